-- Builds: marts.cross_checks, every comparison of one claim against another: a reported growth
-- rate against the rate the two levels give, a derived figure against the reported figure of
-- the same metric (same period, else the nearest one), and vintages of one figure that disagree
-- on their qualifier, each for the span of time in which both claims stood. Intervals decide:
-- see sql/staging/010_bound_macros.sql. Each side says whether it is derived and, when reported,
-- its value as written, so that a finding words it as the brief does (plain_claim).
-- Grain: one row per comparison per span. Inputs: marts.growth, marts.derived, marts.reported,
-- marts.vintages.
-- Materialised: marts.cross_checks, rows replaced by metric_id
create or replace temp view build_cross_checks as
with

growth as not materialized (select * from marts.growth where metric_id in (select metric_id from build_scope)),

derived as not materialized (
    select * from marts.derived
    where value is not null and metric_id in (select metric_id from build_scope)
),

reported as not materialized (
    select * from marts.reported
    where value is not null and metric_id in (select metric_id from build_scope)
),

vintages as not materialized (
    select * from marts.vintages
    where value is not null and metric_id in (select metric_id from build_scope)
),

rate_vs_levels as (
    select
        'reported rate vs levels' as check_kind,
        metric_id,
        metric_name,
        period_label,
        'percent' as unit,
        reported_yoy_pct as claim_value,
        reported_yoy_comparator as claim_comparator,
        false as claim_is_approximate,
        false as claim_is_derived,
        null::varchar as claim_value_as_written,
        null::varchar as claim_multiplier_word,
        'reported year-on-year change' as claim_label,
        computed_yoy_pct as other_value,
        computed_yoy_comparator as other_comparator,
        computed_yoy_is_approximate as other_is_approximate,
        true as other_is_derived,
        null::varchar as other_value_as_written,
        null::varchar as other_multiplier_word,
        'change computed from ' || prior_period_label || ' and ' || period_label || ' levels'
            as other_label,
        period_label as other_period_label,
        true as is_same_period,
        is_rate_consistent as is_consistent,
        reported_yoy_lo as claim_lo, reported_yoy_hi as claim_hi,
        computed_yoy_lo as other_lo, computed_yoy_hi as other_hi,
        release_id as claim_release_id,
        prior_release_id as other_release_id,
        known_from,
        known_until
    from growth
    where reported_yoy_pct is not null and computed_yoy_pct is not null
),

derived_keys as (
    select distinct metric_id, measure, period_kind, period_start, period_end, derivation
    from derived
),

reported_keys as (select distinct metric_id, period_kind, period_start, period_end from reported),

-- The reported figures a derived one may be compared with: the same period, or, for a level
-- (stock), the level reported at any date (the nearest is chosen below).
comparable as (
    select
        k.metric_id, k.period_kind, k.period_start, k.period_end, k.derivation,
        r.period_kind as other_period_kind,
        r.period_start as other_period_start,
        r.period_end as other_period_end
    from derived_keys as k
    inner join reported_keys as r
        on r.metric_id = k.metric_id and r.period_kind = k.period_kind
        and r.period_start = k.period_start and r.period_end = k.period_end
    union
    select
        k.metric_id, k.period_kind, k.period_start, k.period_end, k.derivation,
        r.period_kind, r.period_start, r.period_end
    from derived_keys as k
    inner join reported_keys as r on r.metric_id = k.metric_id
    where k.measure = 'stock'
),

-- The reported figure nearest a derived one can change whenever the derived figure or any
-- reported figure it may be compared with does.
derived_moments as (
    select distinct metric_id, period_kind, period_start, period_end, derivation,
        unnest([known_from, known_until]) as moment
    from derived
    union
    select c.metric_id, c.period_kind, c.period_start, c.period_end, c.derivation,
        unnest([r.known_from, r.known_until]) as moment
    from comparable as c
    inner join reported as r
        on r.metric_id = c.metric_id and r.period_kind = c.other_period_kind
        and r.period_start = c.other_period_start and r.period_end = c.other_period_end
),

derived_spans as (
    select
        *,
        span_until(moment, (metric_id, period_kind, period_start, period_end, derivation))
            as moment_until
    from derived_moments
    where moment < date 'infinity'
),

derived_vs_reported as (
    select
        'derived vs reported' as check_kind,
        d.metric_id,
        d.metric_name,
        d.period_label,
        d.unit,
        d.value as claim_value,
        d.comparator as claim_comparator,
        d.is_approximate as claim_is_approximate,
        true as claim_is_derived,
        null::varchar as claim_value_as_written,
        null::varchar as claim_multiplier_word,
        'derived (' || d.derivation || ')' as claim_label,
        r.value as other_value,
        r.comparator as other_comparator,
        r.is_approximate as other_is_approximate,
        false as other_is_derived,
        r.value_as_written as other_value_as_written,
        r.multiplier_word as other_multiplier_word,
        'reported' as other_label,
        r.period_label as other_period_label,
        r.period_start = d.period_start and r.period_end = d.period_end
            and r.period_kind = d.period_kind as is_same_period,
        intervals_overlap(d.value_lo, d.value_hi, r.value_lo, r.value_hi) as is_consistent,
        d.value_lo as claim_lo, d.value_hi as claim_hi,
        r.value_lo as other_lo, r.value_hi as other_hi,
        d.source_release_ids[1] as claim_release_id,
        r.release_id as other_release_id,
        s.moment as known_from,
        s.moment_until as known_until
    from derived_spans as s
    inner join derived as d
        on d.metric_id = s.metric_id and d.period_kind = s.period_kind
        and d.period_start = s.period_start and d.period_end = s.period_end
        and d.derivation = s.derivation
        and valid_at(s.moment, d.known_from, d.known_until)
    inner join comparable as c
        on c.metric_id = s.metric_id and c.period_kind = s.period_kind
        and c.period_start = s.period_start and c.period_end = s.period_end
        and c.derivation = s.derivation
    inner join reported as r
        on r.metric_id = c.metric_id and r.period_kind = c.other_period_kind
        and r.period_start = c.other_period_start and r.period_end = c.other_period_end
        and valid_at(s.moment, r.known_from, r.known_until)
    qualify row_number() over (
        partition by d.metric_id, d.period_kind, d.period_start, d.period_end, d.derivation,
            s.moment
        order by abs(datediff('day', r.period_end, d.period_end)), r.period_end desc, d.inputs
    ) = 1
),

qualifier_changes as (
    select
        'qualifier differs between releases' as check_kind,
        cur.metric_id,
        cur.metric_name,
        cur.period_label,
        cur.unit,
        cur.value as claim_value,
        cur.comparator as claim_comparator,
        cur.is_approximate as claim_is_approximate,
        false as claim_is_derived,
        cur.value_as_written as claim_value_as_written,
        cur.multiplier_word as claim_multiplier_word,
        'reported by ' || cur.release_id as claim_label,
        prev.value as other_value,
        prev.comparator as other_comparator,
        prev.is_approximate as other_is_approximate,
        false as other_is_derived,
        prev.value_as_written as other_value_as_written,
        prev.multiplier_word as other_multiplier_word,
        'reported earlier by ' || prev.release_id as other_label,
        prev.period_label as other_period_label,
        true as is_same_period,
        intervals_overlap(cur.value_lo, cur.value_hi, prev.value_lo, prev.value_hi)
            as is_consistent,
        cur.value_lo as claim_lo, cur.value_hi as claim_hi,
        prev.value_lo as other_lo, prev.value_hi as other_hi,
        cur.release_id as claim_release_id,
        prev.release_id as other_release_id,
        -- both vintages stay known once published: the comparison stands from then on
        cur.known_from,
        date 'infinity' as known_until
    from vintages as cur
    inner join vintages as prev
        on prev.metric_id = cur.metric_id and prev.period_kind = cur.period_kind
        and prev.period_start = cur.period_start and prev.period_end = cur.period_end
        and prev.vintage_number = cur.vintage_number - 1
    where prev.comparator <> cur.comparator
),

unioned as (
    select * from rate_vs_levels
    union all by name
    select * from derived_vs_reported
    union all by name
    select * from qualifier_changes
),

final as (
    select
        *,
        case
            when check_kind = 'qualifier differs between releases' then 'qualifiers differ'
            when is_consistent and is_same_period then 'consistent'
            when is_consistent then 'compatible (different periods)'
            when is_same_period then 'inconsistent'
            else 'differs (different periods)'
        end as verdict
    from unioned
)

select * from final;
