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

-- Each side of a disagreeing comparison and the interval it allows, worded as the brief words
-- numbers (sql/staging/070_plain_number.sql): never a float as stored, never 'inf'. Only these
-- few rows are worded, and the two sides go through the macros as rows of one column, so the
-- query binds each macro once, not once a side: binding them is most of this check's cost.
keyed as materialized (select *, row_number() over () as comparison_key from checks),

sides as (
    select
        comparison_key, 'claim' as side, unit, claim_value as value,
        claim_comparator as comparator, claim_is_approximate as is_approximate,
        claim_is_derived as is_derived, claim_value_as_written as value_as_written,
        claim_multiplier_word as multiplier_word, claim_lo as lo, claim_hi as hi
    from keyed
    union all
    select
        comparison_key, 'other', unit, other_value, other_comparator, other_is_approximate,
        other_is_derived, other_value_as_written, other_multiplier_word, other_lo, other_hi
    from keyed
),

words as materialized (
    select
        comparison_key,
        side,
        plain_claim(value, unit, comparator, is_approximate, is_derived, value_as_written,
                    multiplier_word) as text,
        plain_interval(lo, hi, unit) as allows
    from sides
),

final as (
    select
        'cross-claim' as check_id,
        case when k.verdict = 'inconsistent' then 'warning' else 'info' end as severity,
        k.metric_id,
        k.period_label,
        k.claim_release_id as release_id,
        k.metric_name || ', ' || k.period_label || ': '
            || k.claim_label || ' ' || c.text || ' against ' || k.other_label || ' ' || o.text
            || case when k.other_period_label <> k.period_label
                    then ' (' || k.other_period_label || ')' else '' end
            || '; ' || k.verdict || ': the first allows ' || c.allows
            || ', the second ' || o.allows as message,
        k.known_from,
        k.known_until
    from keyed as k
    inner join words as c on c.comparison_key = k.comparison_key and c.side = 'claim'
    inner join words as o on o.comparison_key = k.comparison_key and o.side = 'other'
)

select * from final;
