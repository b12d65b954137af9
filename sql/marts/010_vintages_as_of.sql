-- Builds: vintages_as_of(as_of_on), every figure known on a date, each numbered as a vintage.
-- Grain: one row per figure per release published on or before as_of_on.
-- Inputs: stg_observations. Vintages of a metric and period are ordered by publication date,
-- then by when they were loaded (a page changed in place keeps its date).
create or replace macro vintages_as_of(as_of_on) as table
with

known as (select * from stg_observations where published_on <= as_of_on),

ranked as (
    select
        *,
        row_number() over vintage as vintage_number,
        count(*) over (partition by metric_id, period_kind, period_start, period_end)
            as vintage_count,
        lag(value) over vintage as previous_value,
        lag(comparator) over vintage as previous_comparator,
        lag(value_as_written) over vintage as previous_value_as_written,
        lag(multiplier_word) over vintage as previous_multiplier_word,
        lag(yoy_pct) over vintage as previous_yoy_pct,
        lag(yoy_comparator) over vintage as previous_yoy_comparator,
        lag(vintage_status) over vintage as previous_vintage_status,
        lag(reported_by) over vintage as previous_reported_by,
        lag(published_on) over vintage as previous_published_on,
        lag(release_id) over vintage as previous_release_id
    from known
    window vintage as (
        partition by metric_id, period_kind, period_start, period_end
        order by published_on, loaded_at, release_id
    )
),

final as (select *, vintage_number = vintage_count as is_latest from ranked)

select * from final;

comment on macro table vintages_as_of is
    'Every figure as each release reported it, restricted to releases published on or before the date given; vintage_number 1 is the first report, is_latest marks the newest.';
