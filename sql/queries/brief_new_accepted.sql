-- Figures a reviewer accepted since the previous brief, with their quote and the reviewer's
-- note, for "What changed". Parameters: $1 as_of (date), $2 the previous brief's time
-- (timestamp).
with

accepted as (
    select * from review_items
    where status = 'accepted' and decided_at > cast($2 as timestamp)
),

figures as (
    select * from core.observations
),

metrics as (select metric_id, name as metric_name from core.metrics),

final as (
    select
        a.review_id,
        a.release_id,
        a.published_on,
        a.reviewer,
        a.decided_at,
        a.decision_note,
        f.metric_id,
        m.metric_name,
        f.period_kind,
        f.period_start,
        f.period_end,
        period_label(f.period_kind, f.period_start, f.period_end) as period_label,
        f.value,
        f.value_as_written,
        f.multiplier_word,
        f.unit,
        f.comparator,
        f.yoy_pct,
        f.yoy_comparator,
        f.quote
    from accepted as a
    inner join figures as f
        on f.release_id = a.release_id and f.seq = a.observation_seq
    inner join metrics as m using (metric_id)
    where a.published_on <= cast($1 as date)
)

select * from final
order by decided_at, review_id
