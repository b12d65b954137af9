-- The brief's "Latest figures": one row a metric as known on a date, its latest reported
-- figure, or its latest derived one when it has no reported figure, under its topic's heading
-- (a metric without a topic is listed under its geography). Topics come in the order of their
-- first headline metric. Parameters: as_of (date), the row cap (integer).
with

figures as (select * from figures_as_of(cast(? as date))),

metrics as (
    select metric_id, headline_rank, name_zh, coalesce(topic, geography) as topic
    from core.metrics
),

latest as (
    select * from figures
    -- Reported before derived; the latest period; on a tie, the longest (a year before its Q4).
    qualify row_number() over (
        partition by metric_id order by is_derived, period_end desc, period_start
    ) = 1
),

listed as (
    select l.*, m.topic, m.headline_rank, m.name_zh as metric_name_zh
    from latest as l
    inner join metrics as m using (metric_id)
),

topics as (
    select topic, min(coalesce(headline_rank, 999)) as topic_rank from listed group by topic
),

final as (
    select listed.*, topics.topic_rank
    from listed
    inner join topics using (topic)
)

select * from final
order by topic_rank, topic, coalesce(headline_rank, 999), metric_name
limit ?
