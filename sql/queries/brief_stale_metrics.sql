-- Metrics gone stale as of a date, longest silent first. Parameter: as_of (date).
select * from stale_metrics_as_of(cast(? as date))
where is_stale
order by days_since_last desc
