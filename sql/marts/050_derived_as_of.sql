-- Builds: derived_as_of(as_of_on), every figure the warehouse derives rather than reads:
-- prior-period levels implied by reported growth, and terms of ratios.
-- Grain: one row per derivation per metric per period (derivation_rank 1 is preferred).
-- Inputs: growth_as_of, ratio_derivations_as_of, core.metrics.
create or replace macro derived_computed(as_of_on, from_marts) as table
with

implied_prior as (
    select
        metric_id,
        period_kind,
        implied_prior_period_start as period_start,
        implied_prior_period_end as period_end,
        implied_prior_value as value,
        implied_prior_comparator as comparator,
        true as is_approximate,
        implied_prior_lo as value_lo,
        implied_prior_hi as value_hi,
        'implied by the reported year-on-year change' as derivation,
        metric_id || ' ' || period_label || ' ÷ (1 + reported change)' as inputs,
        [release_id] as source_release_ids,
        [reported_by] as source_publisher_ids,
        1 as preference
    from growth_for(as_of_on, from_marts)
    where value is not null and reported_yoy_pct is not null
),

ratio_terms as (select *, 2 as preference from ratio_derivations_for(as_of_on, from_marts)),

unioned as (
    select * from implied_prior
    union all by name
    select * from ratio_terms
),

metrics as (select metric_id, name as metric_name, geography, unit, measure from core.metrics),

final as (
    select
        u.metric_id,
        m.metric_name,
        m.geography,
        m.measure,
        m.unit,
        u.period_kind,
        u.period_start,
        u.period_end,
        period_label(u.period_kind, u.period_start, u.period_end) as period_label,
        u.value,
        u.comparator,
        u.is_approximate,
        u.value_lo,
        u.value_hi,
        u.derivation,
        u.inputs,
        u.source_release_ids,
        u.source_publisher_ids,
        row_number() over (
            partition by u.metric_id, u.period_kind, u.period_start, u.period_end
            order by u.value is null, u.preference, u.inputs
        ) as derivation_rank
    from unioned as u
    left join metrics as m using (metric_id)
)

select * from final;

comment on macro table derived_computed is
    'What derived_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.derived as select * from derived_computed(date '9999-12-31', true);

-- What a computation downstream reads: the table during a build (from_marts), else computed.
create or replace macro derived_for(as_of_on, from_marts) as table
select * from marts.derived where from_marts
union all by name
select * from derived_computed(as_of_on, from_marts) where not from_marts;

comment on macro table derived_for is
    'Internal: marts.derived when from_marts (a build), else derived_computed(as_of_on).';

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro derived_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.derived where marts_current(as_of_on)
union all by name
select * from derived_computed((select computed_on from marts_guard), false);

comment on macro table derived_as_of is
    'Every derived figure as known on the date given: levels implied by reported growth and ratio terms, with comparator, is_approximate and the interval the inputs allow.';
