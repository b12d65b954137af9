-- Builds: figure_vintages (view), every figure as each release reported it, known today.
-- Grain: one row per figure per release. Inputs: marts.vintages, core.publishers.
create or replace view figure_vintages as
with

vintages as (
    select
        *,
        count(*) over (partition by metric_id, period_kind, period_start, period_end)
            as vintage_count,
        known_until = date 'infinity' as is_latest
    from marts.vintages
),

publishers as (select publisher_id, name from core.publishers),

final as (
    select
        v.metric_id,
        v.metric_name,
        v.geography,
        v.period_kind,
        v.period_start,
        v.period_end,
        v.period_label,
        v.value,
        v.unit,
        v.comparator,
        v.qualifier_text,
        v.value_as_written,
        v.multiplier_word,
        v.yoy_pct,
        v.yoy_comparator,
        v.vintage_number,
        v.vintage_count,
        v.is_latest,
        v.vintage_status,
        v.previous_value,
        v.previous_release_id,
        v.release_id,
        v.published_on,
        v.reported_by as publisher_id,
        p.name as publisher,
        v.attributed_on,
        v.attributed_text,
        v.quote,
        v.quote_start,
        v.quote_end,
        v.note,
        v.note_zh
    from vintages as v
    left join publishers as p on p.publisher_id = v.reported_by
)

select * from final;

comment on view figure_vintages is
    'Every figure as each release reported it, with the release''s published_on date; vintage_number orders the reports of one metric and period, is_latest marks the newest. Use vintages_as_of(date) for an earlier state.';
comment on column figure_vintages.value is 'Base units: 2.63 trillion yuan is 2630000000000; a share is a fraction.';
