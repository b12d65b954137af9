-- Builds: build_check_integrity (temp view), stored figures that break the model's rules:
-- unknown metric or source, a unit other than the metric's, a negative value, a share
-- outside 0..1, a fall of 100% or more. Blocking: any row here fails the run.
-- Grain: one row per offending figure and rule, known from its release's publication on.
-- Inputs: marts.vintages, core.metrics, core.publishers. Read through check_findings.
create or replace temp view build_check_integrity as
with

figures as not materialized (select * from marts.vintages where metric_id in (select metric_id from build_scope)),

metrics as (select metric_id, unit as metric_unit from core.metrics),

publishers as (select publisher_id from core.publishers),

offences as (
    select f.*, m.metric_unit,
        case
            when m.metric_id is null then 'unknown metric'
            when f.unit <> m.metric_unit then 'unit'
            when f.value < 0 then 'negative'
            when f.unit = 'share' and f.value > 1 then 'share above 1'
            when f.yoy_pct <= -100 then 'fall'
            when f.reported_by not in (select publisher_id from publishers) then 'unknown source'
        end as rule
    from figures as f
    left join metrics as m using (metric_id)
),

-- Only the offending rows are worded, each macro bound once (sql/staging/070_plain_number.sql:
-- numbers as the brief words them).
worded as (
    select
        *,
        coalesce(plain_written(value_as_written, multiplier_word, unit),
                 plain_number(value, unit)) as value_words,
        plain_rate(yoy_pct, '=', false, null) as yoy_words
    from offences
    where rule is not null
),

final as (
    select
        'integrity' as check_id,
        'error' as severity,
        metric_id,
        period_label,
        release_id,
        case rule
            when 'unknown metric' then 'unknown metric ' || metric_id
            when 'unit' then 'unit ' || unit || ' is not the metric''s unit ' || metric_unit
            when 'negative' then 'negative value ' || value_words
            when 'share above 1' then 'share ' || value_words || ' is above 100%'
            when 'fall' then 'year-on-year change ' || yoy_words || ' is at or below −100%'
            when 'unknown source' then 'unknown source ' || reported_by
        end || ' (release ' || release_id || ', figure ' || cast(seq as varchar)
            || '); correct the release and load it again' as message,
        known_from,
        -- a stored figure stays stored: the finding stands from then on
        date 'infinity' as known_until
    from worded
)

select * from final;
