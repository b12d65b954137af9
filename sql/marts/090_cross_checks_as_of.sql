-- Builds: cross_checks_as_of(as_of_on), every comparison of one claim against another:
-- a reported growth rate against the rate the two levels give, a derived figure against the
-- reported figure of the same metric (same period, else the nearest one), and vintages of one
-- figure that disagree on their qualifier. Intervals decide: see sql/staging/010_bound_macros.sql.
-- Grain: one row per comparison. Inputs: growth_as_of, derived_as_of, reported_as_of,
-- vintages_as_of.
create or replace macro cross_checks_computed(as_of_on, from_marts) as table
with

growth as (select * from growth_for(as_of_on, from_marts)),

derived as (select * from derived_for(as_of_on, from_marts) where value is not null),

reported as (select * from reported_for(as_of_on, from_marts) where value is not null),

vintages as (select * from vintages_for(as_of_on, from_marts) where value is not null),

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
        'reported year-on-year change' as claim_label,
        computed_yoy_pct as other_value,
        computed_yoy_comparator as other_comparator,
        computed_yoy_is_approximate as other_is_approximate,
        'change computed from ' || prior_period_label || ' and ' || period_label || ' levels'
            as other_label,
        period_label as other_period_label,
        true as is_same_period,
        is_rate_consistent as is_consistent,
        reported_yoy_lo as claim_lo, reported_yoy_hi as claim_hi,
        computed_yoy_lo as other_lo, computed_yoy_hi as other_hi,
        release_id as claim_release_id,
        prior_release_id as other_release_id
    from growth
    where reported_yoy_pct is not null and computed_yoy_pct is not null
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
        'derived (' || d.derivation || ')' as claim_label,
        r.value as other_value,
        r.comparator as other_comparator,
        r.is_approximate as other_is_approximate,
        'reported' as other_label,
        r.period_label as other_period_label,
        r.period_start = d.period_start and r.period_end = d.period_end
            and r.period_kind = d.period_kind as is_same_period,
        intervals_overlap(d.value_lo, d.value_hi, r.value_lo, r.value_hi) as is_consistent,
        d.value_lo as claim_lo, d.value_hi as claim_hi,
        r.value_lo as other_lo, r.value_hi as other_hi,
        d.source_release_ids[1] as claim_release_id,
        r.release_id as other_release_id
    from derived as d
    inner join reported as r
        on r.metric_id = d.metric_id
        and (
            (r.period_kind = d.period_kind and r.period_start = d.period_start
                and r.period_end = d.period_end)
            -- a level (stock) can be compared with the nearest level reported at another date
            or d.measure = 'stock'
        )
    qualify row_number() over (
        partition by d.metric_id, d.period_kind, d.period_start, d.period_end, d.derivation
        order by abs(datediff('day', r.period_end, d.period_end)), r.period_end desc
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
        'reported by ' || cur.release_id as claim_label,
        prev.value as other_value,
        prev.comparator as other_comparator,
        prev.is_approximate as other_is_approximate,
        'reported earlier by ' || prev.release_id as other_label,
        prev.period_label as other_period_label,
        true as is_same_period,
        intervals_overlap(cur.value_lo, cur.value_hi, prev.value_lo, prev.value_hi)
            as is_consistent,
        cur.value_lo as claim_lo, cur.value_hi as claim_hi,
        prev.value_lo as other_lo, prev.value_hi as other_hi,
        cur.release_id as claim_release_id,
        prev.release_id as other_release_id
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

comment on macro table cross_checks_computed is
    'What cross_checks_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.cross_checks as select * from cross_checks_computed(date '9999-12-31', true);

-- What a computation downstream reads: the table during a build (from_marts), else computed.
create or replace macro cross_checks_for(as_of_on, from_marts) as table
select * from marts.cross_checks where from_marts
union all by name
select * from cross_checks_computed(as_of_on, from_marts) where not from_marts;

comment on macro table cross_checks_for is
    'Internal: marts.cross_checks when from_marts (a build), else cross_checks_computed(as_of_on).';

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro cross_checks_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.cross_checks where marts_current(as_of_on)
union all by name
select * from cross_checks_computed((select computed_on from marts_guard), false);

comment on macro table cross_checks_as_of is
    'Every cross-claim comparison as known on the date given, with the intervals each claim allows and a verdict: consistent, compatible (different periods), inconsistent, differs (different periods) or qualifiers differ.';
