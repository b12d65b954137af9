-- Growth rows worth printing as known on a date: a reported change, a computed one, or an
-- implied prior level; a reported level with its own digits (value_as_written).
-- Parameter: $1 as_of (date).
with

growth as (select * from growth_as_of(cast($1 as date))),

written as (
    select metric_id, period_start, period_end, value, value_as_written, multiplier_word
    from figures_as_of(cast($1 as date))
    where not is_derived and value_as_written is not null
),

metrics as (select metric_id, headline_rank from core.metrics),

final as (
    select g.*, w.value_as_written, w.multiplier_word, m.headline_rank
    from growth as g
    left join written as w using (metric_id, period_start, period_end, value)
    left join metrics as m using (metric_id)
    where g.reported_yoy_pct is not null or g.computed_yoy_pct is not null
)

select * from final
order by coalesce(headline_rank, 999), metric_name, period_end desc
