-- Builds: check_cross_claims_as_of(as_of_on), cross-claim comparisons that do not agree as known on a date:
-- the findings of check_findings_as_of whose check_id is 'cross-claim'.
-- Grain: one row per finding. Inputs: check_findings_as_of.
create or replace macro check_cross_claims_as_of(as_of_on) as table
select * from check_findings_as_of(as_of_on) where check_id = 'cross-claim';

comment on macro table check_cross_claims_as_of is
    'Cross-claim comparisons whose verdict is not consistent (warning when same-period claims contradict, info otherwise). Zero rows means every comparison holds.';
