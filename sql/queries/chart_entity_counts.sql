-- The latest count of each Yiwu entity metric as known on a date, reported or derived.
-- Parameter: as_of (date).
select metric_id, metric_name, m.short_name, period_label, value, unit, comparator, is_approximate,
    is_derived, value_as_written, multiplier_word
from figures_as_of(cast(? as date)) as f
inner join (select metric_id, short_name from core.metrics) as m using (metric_id)
where unit = 'entities' and geography = 'Yiwu' and value is not null
qualify row_number() over (partition by metric_id order by period_end desc, is_derived) = 1
order by value desc
