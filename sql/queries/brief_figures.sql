-- Every current figure as known on a date, headline metrics first: the brief's figure table
-- (first rows) and its CSV attachment (all rows). Parameter: as_of (date).
with

figures as (select * from figures_as_of(cast(? as date))),

metrics as (select metric_id, headline_rank, name_zh from core.metrics),

final as (
    select f.*, m.name_zh as metric_name_zh, m.headline_rank
    from figures as f
    left join metrics as m using (metric_id)
)

select * from final
order by coalesce(headline_rank, 999), geography, metric_name, period_end desc, period_start
