-- Every check finding as known on a date, most severe first. Parameter: as_of (date).
select * from check_findings_as_of(cast(? as date))
order by case severity when 'error' then 0 when 'warning' then 1 else 2 end,
    check_id, metric_id, period_label, release_id, message
