-- Builds: check_cross_claims_as_of(as_of_on), cross-claim comparisons that do not agree:
-- a warning when claims on the same period contradict each other, a note when they concern
-- different periods or two releases qualify one figure differently.
-- Grain: one row per disagreeing comparison. Inputs: cross_checks_as_of.
create or replace macro check_cross_claims_as_of(as_of_on, from_marts := false) as table
with

checks as (select * from cross_checks_for(as_of_on, from_marts) where verdict <> 'consistent'
    and verdict <> 'compatible (different periods)'),

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
        ) as message
    from checks
)

select * from final;

comment on macro table check_cross_claims_as_of is
    'Cross-claim comparisons whose verdict is not consistent (warning when same-period claims contradict, info otherwise). Zero rows means every comparison holds.';
