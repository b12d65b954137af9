-- Builds: ratio_derivations_as_of(as_of_on), the third term of share = numerator ÷ denominator
-- wherever two of the three are reported for the same period and the third is not.
-- Grain: one row per derived metric per period. Inputs: core.ratio_definitions, reported_as_of.
create or replace macro ratio_derivations_computed(as_of_on, from_marts) as table
with

definitions as (select * from core.ratio_definitions),

levels as (select * from reported_for(as_of_on, from_marts) where value is not null),

periods as (
    select distinct
        d.ratio_metric_id,
        d.numerator_metric_id,
        d.denominator_metric_id,
        l.period_kind,
        l.period_start,
        l.period_end
    from definitions as d
    inner join levels as l
        on l.metric_id in (d.ratio_metric_id, d.numerator_metric_id, d.denominator_metric_id)
),

terms as (
    select
        p.*,
        s.value as s_value, s.comparator as s_cmp, s.value_lo as s_lo, s.value_hi as s_hi,
        s.release_id as s_release, s.reported_by as s_by,
        n.value as n_value, n.comparator as n_cmp, n.value_lo as n_lo, n.value_hi as n_hi,
        n.release_id as n_release, n.reported_by as n_by,
        d.value as d_value, d.comparator as d_cmp, d.value_lo as d_lo, d.value_hi as d_hi,
        d.release_id as d_release, d.reported_by as d_by
    from periods as p
    left join levels as s
        on s.metric_id = p.ratio_metric_id and s.period_kind = p.period_kind
        and s.period_start = p.period_start and s.period_end = p.period_end
    left join levels as n
        on n.metric_id = p.numerator_metric_id and n.period_kind = p.period_kind
        and n.period_start = p.period_start and n.period_end = p.period_end
    left join levels as d
        on d.metric_id = p.denominator_metric_id and d.period_kind = p.period_kind
        and d.period_start = p.period_start and d.period_end = p.period_end
),

share_from_terms as (
    select
        ratio_metric_id as metric_id, period_kind, period_start, period_end,
        n_value / d_value as raw_value,
        dir_combine(cmp_direction(n_cmp), -cmp_direction(d_cmp)) as direction,
        cmp_is_strict(n_cmp) or cmp_is_strict(d_cmp) as is_strict,
        cmp_is_approx(n_cmp) or cmp_is_approx(d_cmp) as is_approximate,
        n_lo / d_hi as value_lo,
        least(1.0, case when d_lo > 0 then n_hi / d_lo else cast('inf' as double) end) as value_hi,
        'share = numerator ÷ denominator' as derivation,
        numerator_metric_id || ' ÷ ' || denominator_metric_id as inputs,
        [n_release, d_release] as source_release_ids,
        [n_by, d_by] as source_publisher_ids
    from terms
    where s_value is null and n_value is not null and d_value > 0
),

numerator_from_share as (
    select
        numerator_metric_id as metric_id, period_kind, period_start, period_end,
        s_value * d_value as raw_value,
        dir_combine(cmp_direction(s_cmp), cmp_direction(d_cmp)) as direction,
        cmp_is_strict(s_cmp) or cmp_is_strict(d_cmp) as is_strict,
        cmp_is_approx(s_cmp) or cmp_is_approx(d_cmp) as is_approximate,
        s_lo * d_lo as value_lo,
        s_hi * d_hi as value_hi,
        'numerator = share × denominator' as derivation,
        ratio_metric_id || ' × ' || denominator_metric_id as inputs,
        [s_release, d_release] as source_release_ids,
        [s_by, d_by] as source_publisher_ids
    from terms
    where n_value is null and s_value is not null and d_value is not null
),

denominator_from_share as (
    select
        denominator_metric_id as metric_id, period_kind, period_start, period_end,
        n_value / s_value as raw_value,
        dir_combine(cmp_direction(n_cmp), -cmp_direction(s_cmp)) as direction,
        cmp_is_strict(n_cmp) or cmp_is_strict(s_cmp) as is_strict,
        cmp_is_approx(n_cmp) or cmp_is_approx(s_cmp) as is_approximate,
        n_lo / s_hi as value_lo,
        case when s_lo > 0 then n_hi / s_lo else cast('inf' as double) end as value_hi,
        'denominator = numerator ÷ share' as derivation,
        numerator_metric_id || ' ÷ ' || ratio_metric_id as inputs,
        [n_release, s_release] as source_release_ids,
        [n_by, s_by] as source_publisher_ids
    from terms
    where d_value is null and n_value is not null and s_value > 0
),

unioned as (
    select * from share_from_terms
    union all by name
    select * from numerator_from_share
    union all by name
    select * from denominator_from_share
),

final as (
    select
        metric_id,
        period_kind,
        period_start,
        period_end,
        case when direction is not null then raw_value end as value,
        cmp_compose(direction, is_strict, is_approximate) as comparator,
        is_approximate,
        value_lo,
        value_hi,
        derivation,
        inputs,
        source_release_ids,
        source_publisher_ids
    from unioned
)

select * from final;

comment on macro table ratio_derivations_computed is
    'What ratio_derivations_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.ratio_derivations as select * from ratio_derivations_computed(date '9999-12-31', true);

-- What a computation downstream reads: the table during a build (from_marts), else computed.
create or replace macro ratio_derivations_for(as_of_on, from_marts) as table
select * from marts.ratio_derivations where from_marts
union all by name
select * from ratio_derivations_computed(as_of_on, from_marts) where not from_marts;

comment on macro table ratio_derivations_for is
    'Internal: marts.ratio_derivations when from_marts (a build), else ratio_derivations_computed(as_of_on).';

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro ratio_derivations_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.ratio_derivations where marts_current(as_of_on)
union all by name
select * from ratio_derivations_computed((select computed_on from marts_guard), false);

comment on macro table ratio_derivations_as_of is
    'Shares, numerators or denominators derived from the other two terms of a ratio reported for the same period, with bounds carried through (value is NULL where the bounds point opposite ways).';
