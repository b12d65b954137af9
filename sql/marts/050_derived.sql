-- Builds: marts.derived, every figure the warehouse derives rather than reads: prior-period
-- levels implied by reported growth, and terms of ratios, ranked where several derive the same
-- metric and period, for each span of time in which those candidates stayed the same.
-- Grain: one row per derivation per metric per period per span (derivation_rank 1 is
-- preferred). Inputs: marts.growth, marts.ratio_derivations, core.metrics.
-- Materialised: marts.derived, rows replaced by metric_id
create or replace temp view build_derived as
with

growth as not materialized (select * from marts.growth where metric_id in (select metric_id from build_scope)),

ratio_derivations as not materialized (
    select * from marts.ratio_derivations where metric_id in (select metric_id from build_scope)
),

metrics as (select metric_id, name as metric_name, geography, unit, measure from core.metrics),

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
        1 as preference,
        known_from,
        known_until
    from growth
    where value is not null and reported_yoy_pct is not null
),

ratio_terms as (select *, 2 as preference from ratio_derivations),

candidates as (
    select * from implied_prior
    union all by name
    select * from ratio_terms
),

-- The ranking of a metric and period's candidates can change whenever one of them does.
moments as (
    select distinct
        metric_id, period_kind, period_start, period_end,
        unnest([known_from, known_until]) as moment
    from candidates
),

spans as (
    select
        *,
        span_until(moment, (metric_id, period_kind, period_start, period_end)) as moment_until
    from moments
    where moment < date 'infinity'
),

ranked as (
    select
        c.* exclude (known_from, known_until),
        s.moment as known_from,
        s.moment_until as known_until,
        row_number() over (
            partition by c.metric_id, c.period_kind, c.period_start, c.period_end, s.moment
            order by c.value is null, c.preference, c.inputs
        ) as derivation_rank
    from spans as s
    inner join candidates as c
        on c.metric_id = s.metric_id and c.period_kind = s.period_kind
        and c.period_start = s.period_start and c.period_end = s.period_end
        and valid_at(s.moment, c.known_from, c.known_until)
),

final as (
    select
        r.metric_id,
        m.metric_name,
        m.geography,
        m.measure,
        m.unit,
        r.period_kind,
        r.period_start,
        r.period_end,
        period_label(r.period_kind, r.period_start, r.period_end) as period_label,
        r.value,
        r.comparator,
        r.is_approximate,
        r.value_lo,
        r.value_hi,
        r.derivation,
        r.inputs,
        r.source_release_ids,
        r.source_publisher_ids,
        r.derivation_rank,
        r.known_from,
        r.known_until
    from ranked as r
    left join metrics as m using (metric_id)
)

select * from final;
