-- The latest reported year-on-year change of every metric that has one, as known on a date.
-- Parameter: as_of (date).
select metric_id, metric_name, m.short_name, m.headline_rank, period_label, period_end, yoy_pct,
       yoy_comparator
from figures_as_of(cast(? as date)) as f
inner join (select metric_id, short_name, headline_rank from core.metrics) as m using (metric_id)
where yoy_pct is not null and not is_derived
qualify row_number() over (partition by metric_id order by period_end desc) = 1
order by yoy_pct desc
