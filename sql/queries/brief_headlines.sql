-- The brief's headline figures: for each headline metric, its latest reported period as known
-- on a date (on a tie, the longest, as in brief_latest). Parameter: as_of (date).
with

figures as (select * from figures_as_of(cast(? as date)) where not is_derived),

metrics as (
    select metric_id, headline_rank, name_zh from core.metrics where headline_rank is not null
),

final as (
    select f.*, m.headline_rank, m.name_zh as metric_name_zh
    from figures as f
    inner join metrics as m using (metric_id)
    qualify row_number() over (
        partition by f.metric_id order by f.period_end desc, f.period_start
    ) = 1
)

select * from final order by headline_rank
