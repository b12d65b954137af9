-- Compound annual growth between annual levels as known on a date, longest spans first.
-- Parameter: as_of (date).
select * from cagr_as_of(cast(? as date))
order by metric_name, years desc, end_year desc
