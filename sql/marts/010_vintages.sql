-- Builds: marts.vintages, every figure as each release reported it, numbered as a vintage,
-- with its real-time period: known_from is its release's publication date, known_until the
-- next vintage's known_from ('infinity' while it is the newest).
-- Grain: one row per figure per release. Inputs: stg_observations.
-- Vintages of a metric and period are ordered by publication date, then by when they were
-- loaded (a page changed in place keeps its date). A vintage published the same day as the
-- next one has known_until = known_from: it was never the newest on any date.
-- Materialised: marts.vintages, rows replaced by metric_id
create or replace temp view build_vintages as
with

observations as not materialized (
    select * from stg_observations where metric_id in (select metric_id from build_scope)
),

ordered as (
    select
        *,
        row_number() over vintage as vintage_number,
        lag(value) over vintage as previous_value,
        lag(comparator) over vintage as previous_comparator,
        lag(value_as_written) over vintage as previous_value_as_written,
        lag(multiplier_word) over vintage as previous_multiplier_word,
        lag(yoy_pct) over vintage as previous_yoy_pct,
        lag(yoy_comparator) over vintage as previous_yoy_comparator,
        lag(vintage_status) over vintage as previous_vintage_status,
        lag(reported_by) over vintage as previous_reported_by,
        lag(published_on) over vintage as previous_published_on,
        lag(release_id) over vintage as previous_release_id,
        published_on as known_from,
        coalesce(lead(published_on) over vintage, date 'infinity') as known_until
    from observations
    window vintage as (
        partition by metric_id, period_kind, period_start, period_end
        order by published_on, loaded_at, release_id, seq
    )
),

final as (select * from ordered)

select * from final;
