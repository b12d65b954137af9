-- Growth rows worth printing as known on a date: a reported change, a computed one, or an
-- implied prior level. Parameter: as_of (date).
with

growth as (select * from growth_as_of(cast(? as date))),

metrics as (select metric_id, headline_rank from core.metrics),

final as (
    select g.*, m.headline_rank
    from growth as g
    left join metrics as m using (metric_id)
    where g.reported_yoy_pct is not null or g.computed_yoy_pct is not null
)

select * from final
order by coalesce(headline_rank, 999), metric_name, period_end desc
