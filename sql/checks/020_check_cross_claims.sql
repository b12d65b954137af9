-- Builds: build_check_cross_claims (temp view), cross-claim comparisons that do not agree:
-- a warning when claims on the same period contradict each other, a note when they concern
-- different periods or two releases qualify one figure differently.
-- Grain: one row per disagreeing comparison per span. Inputs: marts.cross_checks. Read
-- through check_findings.
create or replace temp view build_check_cross_claims as
with

checks as not materialized (
    select * from marts.cross_checks
    where verdict not in ('consistent', 'compatible (different periods)')
        and metric_id in (select metric_id from build_scope)
),

final as (
    select
        'cross-claim' as check_id,
        case when verdict = 'inconsistent' then 'warning' else 'info' end as severity,
        metric_id,
        period_label,
        claim_release_id as release_id,
        format(
            '{}, {}: {} {} {:.6g} ({} {}) against {} {} {:.6g} ({}); {}: the first allows '
            || '{:.6g} to {:.6g}, the second {:.6g} to {:.6g}',
            metric_name, period_label, claim_label, claim_comparator, claim_value, unit,
            period_label, other_label, other_comparator, other_value, other_period_label,
            verdict, claim_lo, claim_hi, other_lo, other_hi
        ) as message,
        known_from,
        known_until
    from checks
)

select * from final;
