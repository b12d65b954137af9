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
            when m.metric_id is null then 'unknown metric ' || f.metric_id
            when f.unit <> m.metric_unit
                then 'unit ' || f.unit || ' is not the metric''s unit ' || m.metric_unit
            -- worded as the brief words numbers (sql/staging/070_plain_number.sql)
            when f.value < 0 then 'negative value '
                || coalesce(plain_written(f.value_as_written, f.multiplier_word, f.unit),
                            plain_number(f.value, f.unit))
            when f.unit = 'share' and f.value > 1
                then 'share ' || coalesce(plain_written(f.value_as_written, null, 'share'),
                                          plain_number(f.value, 'share')) || ' is above 100%'
            when f.yoy_pct <= -100
                then 'year-on-year change ' || plain_rate(f.yoy_pct, '=', false, null)
                    || ' is at or below −100%'
            when f.reported_by not in (select publisher_id from publishers)
                then 'unknown source ' || f.reported_by
        end as problem
    from figures as f
    left join metrics as m using (metric_id)
),

final as (
    select
        'integrity' as check_id,
        'error' as severity,
        metric_id,
        period_label,
        release_id,
        problem || ' (release ' || release_id || ', figure ' || cast(seq as varchar)
            || '); correct the release and load it again' as message,
        known_from,
        -- a stored figure stays stored: the finding stands from then on
        date 'infinity' as known_until
    from offences
    where problem is not null
)

select * from final;
