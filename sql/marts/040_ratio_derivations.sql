-- Builds: marts.ratio_derivations, the third term of share = numerator ÷ denominator wherever
-- two of the three are reported for the same period and the third is not, for each span of
-- time in which those three reported terms stayed the same.
-- Grain: one row per derived metric per period per span. Inputs: stg_ratio_terms,
-- marts.reported.
-- Materialised: marts.ratio_derivations, rows replaced by metric_id
create or replace temp view build_ratio_derivations as
with

levels as not materialized (
    select * from marts.reported
    where value is not null and metric_id in (select metric_id from build_scope)
),

term_metrics as (select * from stg_ratio_terms),

-- Every period in which one of a ratio's three terms is reported, and the days on which one of
-- them can change.
moments as (
    select distinct
        t.ratio_metric_id,
        t.numerator_metric_id,
        t.denominator_metric_id,
        l.period_kind,
        l.period_start,
        l.period_end,
        unnest([l.known_from, l.known_until]) as moment
    from term_metrics as t
    inner join levels as l on l.metric_id = t.term_metric_id
),

spans as (
    select
        *,
        span_until(moment, (
            ratio_metric_id, numerator_metric_id, denominator_metric_id,
            period_kind, period_start, period_end
        )) as moment_until
    from moments
    where moment < date 'infinity'
),

terms as (
    select
        p.* exclude (moment, moment_until),
        p.moment as known_from,
        p.moment_until as known_until,
        s.value as s_value, s.comparator as s_cmp, s.value_lo as s_lo, s.value_hi as s_hi,
        s.release_id as s_release, s.reported_by as s_by,
        n.value as n_value, n.comparator as n_cmp, n.value_lo as n_lo, n.value_hi as n_hi,
        n.release_id as n_release, n.reported_by as n_by,
        d.value as d_value, d.comparator as d_cmp, d.value_lo as d_lo, d.value_hi as d_hi,
        d.release_id as d_release, d.reported_by as d_by
    from spans as p
    left join levels as s
        on s.metric_id = p.ratio_metric_id and s.period_kind = p.period_kind
        and s.period_start = p.period_start and s.period_end = p.period_end
        and valid_at(p.moment, s.known_from, s.known_until)
    left join levels as n
        on n.metric_id = p.numerator_metric_id and n.period_kind = p.period_kind
        and n.period_start = p.period_start and n.period_end = p.period_end
        and valid_at(p.moment, n.known_from, n.known_until)
    left join levels as d
        on d.metric_id = p.denominator_metric_id and d.period_kind = p.period_kind
        and d.period_start = p.period_start and d.period_end = p.period_end
        and valid_at(p.moment, d.known_from, d.known_until)
),

share_from_terms as (
    select
        ratio_metric_id as metric_id, period_kind, period_start, period_end,
        -- a share to read: 4 decimals of the fraction, 2 of its percentage (value_lo, value_hi
        -- stay exact for the checks)
        round(n_value / d_value, 4) as raw_value,
        dir_combine(cmp_direction(n_cmp), -cmp_direction(d_cmp)) as direction,
        cmp_is_strict(n_cmp) or cmp_is_strict(d_cmp) as is_strict,
        cmp_is_approx(n_cmp) or cmp_is_approx(d_cmp) as is_approximate,
        n_lo / d_hi as value_lo,
        least(1.0, case when d_lo > 0 then n_hi / d_lo else cast('inf' as double) end) as value_hi,
        'share = numerator ÷ denominator' as derivation,
        numerator_metric_id || ' ÷ ' || denominator_metric_id as inputs,
        [n_release, d_release] as source_release_ids,
        [n_by, d_by] as source_publisher_ids,
        known_from,
        known_until
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
        [s_by, d_by] as source_publisher_ids,
        known_from,
        known_until
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
        [n_by, s_by] as source_publisher_ids,
        known_from,
        known_until
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
        source_publisher_ids,
        known_from,
        known_until
    from unioned
)

select * from final;
