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
        -- the sides as marts.cross_checks words them: never a float as stored, never 'inf'
        metric_name || ', ' || period_label || ': '
            || claim_label || ' ' || claim_text || ' against ' || other_label || ' ' || other_text
            || case when other_period_label <> period_label
                    then ' (' || other_period_label || ')' else '' end
            || '; ' || verdict || ': the first allows ' || claim_allows
            || ', the second ' || other_allows as message,
        known_from,
        known_until
    from checks
)

select * from final;
