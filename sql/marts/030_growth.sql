-- Builds: marts.growth, reported and computed year-on-year change and the implied prior-period
-- level, each with the comparator that applies to it, for each span of time in which the
-- figure and the prior year's level it is compared with stayed the same.
-- Grain: one row per metric per period that has a value or a reported change, per span.
-- Inputs: marts.reported. Bounds: see sql/staging/010_bound_macros.sql.
-- A row is known while both inputs it was computed from are: the intersection of their
-- real-time periods (the prior level may also be missing for part of the row's period).
-- Materialised: marts.growth, rows replaced by metric_id
create or replace temp view build_growth as
with

reported as not materialized (select * from marts.reported where metric_id in (select metric_id from build_scope)),

levels as not materialized (select * from reported where value is not null),

periods as (select distinct metric_id, period_kind, period_start, period_end from reported),

-- The days on which a figure or the prior year's level beside it can change.
moments as (
    select metric_id, period_kind, period_start, period_end, known_from as moment
    from reported
    union
    select f.metric_id, f.period_kind, f.period_start, f.period_end,
        unnest([prior.known_from, prior.known_until]) as moment
    from periods as f
    inner join levels as prior
        on prior.metric_id = f.metric_id
        and prior.period_kind = f.period_kind
        and prior.period_start = prior_year_start(f.period_start)
        and prior.period_end = prior_year_end(f.period_end)
),

spans as (
    select
        *,
        span_until(moment, (metric_id, period_kind, period_start, period_end)) as moment_until
    from moments
    where moment < date 'infinity'
),

joined as (
    select
        cur.* exclude (known_from, known_until),
        s.moment as known_from,
        s.moment_until as known_until,
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
    from spans as s
    inner join reported as cur
        on cur.metric_id = s.metric_id and cur.period_kind = s.period_kind
        and cur.period_start = s.period_start and cur.period_end = s.period_end
        and valid_at(s.moment, cur.known_from, cur.known_until)
    left join levels as prior
        on prior.metric_id = s.metric_id
        and prior.period_kind = s.period_kind
        and prior.period_start = prior_year_start(s.period_start)
        and prior.period_end = prior_year_end(s.period_end)
        and valid_at(s.moment, prior.known_from, prior.known_until)
),

computed as (
    select
        *,
        case when computed_direction is not null and prior_value > 0
            then (value / prior_value - 1) * 100 end as computed_yoy_exact,
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
        -- rates are read, not computed with: 2 decimals, no float noise (17.1597633… → 17.16);
        -- the checks compare the exact intervals (computed_yoy_lo, computed_yoy_hi)
        round(computed_yoy_exact, 2) as computed_yoy_pct,
        case when computed_yoy_exact is not null then computed_yoy_comparator end
            as computed_yoy_comparator,
        case when computed_yoy_exact is not null then computed_yoy_is_approximate end
            as computed_yoy_is_approximate,
        case when computed_yoy_exact is not null then computed_yoy_lo end as computed_yoy_lo,
        case when computed_yoy_exact is not null then computed_yoy_hi end as computed_yoy_hi,
        round(yoy_pct - computed_yoy_exact, 2) as yoy_difference_pp,
        case when yoy_pct is not null and computed_yoy_exact is not null
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
        prior_release_id,
        known_from,
        known_until
    from computed
    where value is not null or yoy_pct is not null
)

select * from final;
