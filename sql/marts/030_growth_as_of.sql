-- Builds: growth_as_of(as_of_on), reported and computed year-on-year change and the implied
-- prior-period level, each with the comparator that applies to it.
-- Grain: one row per metric per period that has a value or a reported change.
-- Inputs: reported_as_of. Bounds: see sql/staging/010_bound_macros.sql.
create or replace macro growth_computed(as_of_on, from_marts) as table
with

reported as (select * from reported_for(as_of_on, from_marts)),

levels as (select * from reported where value is not null),

joined as (
    select
        cur.*,
        prior.period_label as prior_period_label,
        prior.value as prior_value,
        prior.comparator as prior_comparator,
        prior.value_lo as prior_lo,
        prior.value_hi as prior_hi,
        prior.release_id as prior_release_id,
        dir_combine(cmp_direction(cur.comparator), -cmp_direction(prior.comparator))
            as computed_direction,
        dir_combine(cmp_direction(cur.comparator), -cmp_direction(cur.yoy_comparator))
            as implied_direction
    from reported as cur
    left join levels as prior
        on prior.metric_id = cur.metric_id
        and prior.period_kind = cur.period_kind
        and prior.period_start = prior_year_start(cur.period_start)
        and prior.period_end = prior_year_end(cur.period_end)
),

computed as (
    select
        *,
        case when computed_direction is not null and prior_value > 0
            then (value / prior_value - 1) * 100 end as computed_yoy_pct,
        case when prior_value > 0 and value is not null then cmp_compose(
            computed_direction,
            cmp_is_strict(comparator) or cmp_is_strict(prior_comparator),
            cmp_is_approx(comparator) or cmp_is_approx(prior_comparator)
        ) end as computed_yoy_comparator,
        cmp_is_approx(comparator) or cmp_is_approx(prior_comparator)
            as computed_yoy_is_approximate,
        case when prior_hi > 0 then (value_lo / prior_hi - 1) * 100 end as computed_yoy_lo,
        case when prior_lo > 0 then (value_hi / prior_lo - 1) * 100
             when prior_value is not null then cast('inf' as double) end as computed_yoy_hi,
        -- A printed rate is rounded, so the level it implies is always approximate.
        case when implied_direction is not null and yoy_pct > -100
            then value / (1 + yoy_pct / 100) end as implied_prior_value,
        case when value is not null and yoy_pct is not null then cmp_compose(
            implied_direction,
            cmp_is_strict(comparator) or cmp_is_strict(yoy_comparator),
            true
        ) end as implied_prior_comparator,
        value_lo / (1 + yoy_hi / 100) as implied_prior_lo,
        case when yoy_lo > -100 then value_hi / (1 + yoy_lo / 100)
             else cast('inf' as double) end as implied_prior_hi
    from joined
),

final as (
    select
        metric_id,
        metric_name,
        geography,
        measure,
        unit,
        period_kind,
        period_start,
        period_end,
        period_label,
        value,
        comparator,
        is_approximate,
        yoy_pct as reported_yoy_pct,
        yoy_comparator as reported_yoy_comparator,
        yoy_lo as reported_yoy_lo,
        yoy_hi as reported_yoy_hi,
        prior_period_label,
        prior_value,
        prior_comparator,
        computed_yoy_pct,
        case when computed_yoy_pct is not null then computed_yoy_comparator end
            as computed_yoy_comparator,
        case when computed_yoy_pct is not null then computed_yoy_is_approximate end
            as computed_yoy_is_approximate,
        case when computed_yoy_pct is not null then computed_yoy_lo end as computed_yoy_lo,
        case when computed_yoy_pct is not null then computed_yoy_hi end as computed_yoy_hi,
        yoy_pct - computed_yoy_pct as yoy_difference_pp,
        case when yoy_pct is not null and computed_yoy_pct is not null
            then intervals_overlap(yoy_lo, yoy_hi, computed_yoy_lo, computed_yoy_hi)
        end as is_rate_consistent,
        period_label(period_kind, prior_year_start(period_start), prior_year_end(period_end))
            as implied_prior_period_label,
        prior_year_start(period_start) as implied_prior_period_start,
        prior_year_end(period_end) as implied_prior_period_end,
        implied_prior_value,
        case when implied_prior_value is not null then implied_prior_comparator end
            as implied_prior_comparator,
        case when implied_prior_value is not null then true end as implied_prior_is_approximate,
        case when implied_prior_value is not null then implied_prior_lo end as implied_prior_lo,
        case when implied_prior_value is not null then implied_prior_hi end as implied_prior_hi,
        release_id,
        reported_by,
        prior_release_id
    from computed
    where value is not null or yoy_pct is not null
)

select * from final;

comment on macro table growth_computed is
    'What growth_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.growth as select * from growth_computed(date '9999-12-31', true);

-- What a computation downstream reads: the table during a build (from_marts), else computed.
create or replace macro growth_for(as_of_on, from_marts) as table
select * from marts.growth where from_marts
union all by name
select * from growth_computed(as_of_on, from_marts) where not from_marts;

comment on macro table growth_for is
    'Internal: marts.growth when from_marts (a build), else growth_computed(as_of_on).';

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro growth_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.growth where marts_current(as_of_on)
union all by name
select * from growth_computed((select computed_on from marts_guard), false);

comment on macro table growth_as_of is
    'Per metric and period as known on the date given: the reported year-on-year change, the change computed from the two levels, their difference, and the prior-period level implied by the reported change, each with its comparator.';
