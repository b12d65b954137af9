-- Builds: stg_observations, every stored figure with its release date, metric and intervals.
-- Grain: one row per figure per release. Inputs: core.observations, core.releases, core.metrics.
create or replace view stg_observations as
with

observations as (select * from core.observations),

releases as (select release_id, publisher_id, published_on, loaded_at from core.releases),

metrics as (select metric_id, name, geography, unit as metric_unit, measure from core.metrics),

final as (
    select
        o.release_id,
        o.seq,
        o.metric_id,
        m.name as metric_name,
        m.geography,
        m.measure,
        o.period_kind,
        o.period_start,
        o.period_end,
        period_label(o.period_kind, o.period_start, o.period_end) as period_label,
        o.period_text,
        o.value,
        o.value_as_written,
        o.multiplier_word,
        o.unit,
        o.comparator,
        cmp_is_approx(o.comparator) as is_approximate,
        o.qualifier_text,
        bound_lo(o.value, o.comparator, o.rounding_halfwidth) as value_lo,
        bound_hi(o.value, o.comparator, o.rounding_halfwidth,
                 case when o.unit = 'share' then 1.0 end) as value_hi,
        o.yoy_pct,
        o.yoy_comparator,
        o.yoy_text,
        rate_lo(o.yoy_pct, o.yoy_comparator, o.yoy_rounding_halfwidth) as yoy_lo,
        rate_hi(o.yoy_pct, o.yoy_comparator, o.yoy_rounding_halfwidth) as yoy_hi,
        o.reported_by,
        o.attributed_on,
        o.attributed_text,
        o.vintage_status,
        o.quote,
        o.quote_start,
        o.quote_end,
        o.note,
        o.note_zh,
        r.publisher_id as release_publisher_id,
        r.published_on,
        r.loaded_at
    from observations as o
    inner join releases as r using (release_id)
    left join metrics as m using (metric_id)
)

select * from final;
