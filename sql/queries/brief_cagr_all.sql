-- Every compound growth pair as known on a date, for the brief's cagr.csv: the cagr view's
-- rows, longest spans first. Parameter: as_of (date).
select * from cagr_as_of(cast(? as date))
order by metric_name, years desc, end_year desc
