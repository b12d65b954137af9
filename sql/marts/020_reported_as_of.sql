-- Builds: reported_as_of(as_of_on), the latest reported vintage of each metric and period.
-- Grain: one row per metric per period. Inputs: vintages_as_of.
-- The newest vintage that gives a value wins, with its own growth rate; when a newer release
-- gives only a growth rate, that rate (and its release, yoy_release_id) replaces it.
create or replace macro reported_computed(as_of_on, from_marts) as table
with

vintages as (select * from vintages_for(as_of_on, from_marts)),

valued_first as (
    select
        *,
        row_number() over (
            partition by metric_id, period_kind, period_start, period_end
            order by value is not null desc, published_on desc, loaded_at desc, release_id desc
        ) as pick
    from vintages
),

latest_rates as (
    select
        metric_id, period_kind, period_start, period_end,
        yoy_pct, yoy_comparator, yoy_text, yoy_lo, yoy_hi, release_id as yoy_release_id,
        published_on as yoy_published_on, loaded_at as yoy_loaded_at
    from vintages
    where yoy_pct is not null
    qualify row_number() over (
        partition by metric_id, period_kind, period_start, period_end
        order by published_on desc, loaded_at desc, release_id desc
    ) = 1
),

final as (
    select
        v.* exclude (pick, yoy_pct, yoy_comparator, yoy_text, yoy_lo, yoy_hi),
        r.yoy_pct,
        r.yoy_comparator,
        r.yoy_text,
        r.yoy_lo,
        r.yoy_hi,
        r.yoy_release_id
    from valued_first as v
    left join latest_rates as r
        on r.metric_id = v.metric_id and r.period_kind = v.period_kind
        and r.period_start = v.period_start and r.period_end = v.period_end
        -- a rate older than the value's own release belongs to another report: not shown
        and (r.yoy_published_on, r.yoy_loaded_at) >= (v.published_on, v.loaded_at)
    where v.pick = 1
)

select * from final;

comment on macro table reported_computed is
    'What reported_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.reported as select * from reported_computed(date '9999-12-31', true);

-- What a computation downstream reads: the table during a build (from_marts), else computed.
create or replace macro reported_for(as_of_on, from_marts) as table
select * from marts.reported where from_marts
union all by name
select * from reported_computed(as_of_on, from_marts) where not from_marts;

comment on macro table reported_for is
    'Internal: marts.reported when from_marts (a build), else reported_computed(as_of_on).';

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro reported_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.reported where marts_current(as_of_on)
union all by name
select * from reported_computed((select computed_on from marts_guard), false);

comment on macro table reported_as_of is
    'The newest reported figure of every metric and period as known on the date given (no derived figures): the newest vintage with a value, with the newest reported growth rate (yoy_release_id says which release gave it).';
