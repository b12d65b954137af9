-- Every cross-claim comparison as known on a date, disagreements first. Parameter: as_of (date).
select * from cross_checks_as_of(cast(? as date))
order by
    case verdict when 'inconsistent' then 0 when 'qualifiers differ' then 1
        when 'differs (different periods)' then 2 else 3 end,
    metric_name, period_label
