-- Builds: vintages_as_of(as_of_on), every figure known on a date, each numbered as a vintage.
-- Grain: one row per figure per release published on or before as_of_on.
-- Inputs: stg_observations. Vintages of a metric and period are ordered by publication date,
-- then by when they were loaded (a page changed in place keeps its date).
create or replace macro vintages_computed(as_of_on, from_marts) as table
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

comment on macro table vintages_computed is
    'What vintages_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.vintages as select * from vintages_computed(date '9999-12-31', true);

-- What a computation downstream reads: the table during a build (from_marts), else computed.
create or replace macro vintages_for(as_of_on, from_marts) as table
select * from marts.vintages where from_marts
union all by name
select * from vintages_computed(as_of_on, from_marts) where not from_marts;

comment on macro table vintages_for is
    'Internal: marts.vintages when from_marts (a build), else vintages_computed(as_of_on).';

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro vintages_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.vintages where marts_current(as_of_on)
union all by name
select * from vintages_computed((select computed_on from marts_guard), false);

comment on macro table vintages_as_of is
    'Every figure as each release reported it, restricted to releases published on or before the date given; vintage_number 1 is the first report, is_latest marks the newest.';
