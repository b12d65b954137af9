-- Builds: marts.shares, each share beside its numerator and denominator, for each span of time
-- in which those three figures stayed the same.
-- Grain: one row per share metric per period where the share is known (reported or derived),
-- per span. Inputs: core.ratio_definitions, stg_ratio_terms, marts.figures.
-- Materialised: marts.shares, rows replaced by share_metric_id
create or replace temp view build_shares as
with

definitions as (select * from core.ratio_definitions),

figures as not materialized (
    select * from marts.figures
    where value is not null and metric_id in (select metric_id from build_scope)
),

terms as (select * from stg_ratio_terms),

share_periods as (
    select distinct d.*, share.period_kind, share.period_start, share.period_end
    from definitions as d
    inner join figures as share on share.metric_id = d.ratio_metric_id
),

-- The days on which a share, its numerator or its denominator can change.
moments as (
    select distinct
        p.ratio_metric_id,
        p.numerator_metric_id,
        p.denominator_metric_id,
        p.period_kind,
        p.period_start,
        p.period_end,
        unnest([f.known_from, f.known_until]) as moment
    from share_periods as p
    inner join terms as t
        on t.ratio_metric_id = p.ratio_metric_id
        and t.numerator_metric_id = p.numerator_metric_id
        and t.denominator_metric_id = p.denominator_metric_id
    inner join figures as f
        on f.metric_id = t.term_metric_id and f.period_kind = p.period_kind
        and f.period_start = p.period_start and f.period_end = p.period_end
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

final as (
    select
        s.metric_id as share_metric_id,
        s.metric_name as share_name,
        s.geography,
        s.period_kind,
        s.period_start,
        s.period_end,
        s.period_label,
        s.value as share,
        s.comparator as share_comparator,
        s.is_approximate as share_is_approximate,
        s.is_derived as share_is_derived,
        p.numerator_metric_id,
        n.value as numerator_value,
        n.comparator as numerator_comparator,
        n.unit as numerator_unit,
        n.is_approximate as numerator_is_approximate,
        n.is_derived as numerator_is_derived,
        p.denominator_metric_id,
        den.value as denominator_value,
        den.comparator as denominator_comparator,
        den.unit as denominator_unit,
        den.is_approximate as denominator_is_approximate,
        den.is_derived as denominator_is_derived,
        p.moment as known_from,
        p.moment_until as known_until
    from spans as p
    inner join figures as s
        on s.metric_id = p.ratio_metric_id and s.period_kind = p.period_kind
        and s.period_start = p.period_start and s.period_end = p.period_end
        and valid_at(p.moment, s.known_from, s.known_until)
    left join figures as n
        on n.metric_id = p.numerator_metric_id and n.period_kind = p.period_kind
        and n.period_start = p.period_start and n.period_end = p.period_end
        and valid_at(p.moment, n.known_from, n.known_until)
    left join figures as den
        on den.metric_id = p.denominator_metric_id and den.period_kind = p.period_kind
        and den.period_start = p.period_start and den.period_end = p.period_end
        and valid_at(p.moment, den.known_from, den.known_until)
)

select * from final;
