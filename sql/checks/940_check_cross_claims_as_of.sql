-- Builds: check_cross_claims_as_of(as_of_on), cross-claim comparisons that do not agree as known on a date: the rows of
-- marts.check_findings of check_id 'cross-claim' whose real-time period holds the date, most severe first.
-- Grain: one row per finding. Inputs: marts.check_findings.
create or replace macro check_cross_claims_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.check_findings
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until
    and check_id = 'cross-claim'
order by case severity when 'error' then 0 when 'warning' then 1 else 2 end,
    check_id, metric_id, period_label, release_id, message;

comment on macro table check_cross_claims_as_of is
    'Cross-claim comparisons whose verdict is not consistent (warning when same-period claims contradict, info otherwise). Zero rows means every comparison holds.';
