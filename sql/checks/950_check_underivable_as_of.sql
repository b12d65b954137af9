-- Builds: check_underivable_as_of(as_of_on), derivations that give no bound as known on a date:
-- the findings of check_findings_as_of whose check_id is 'underivable'.
-- Grain: one row per finding. Inputs: check_findings_as_of.
create or replace macro check_underivable_as_of(as_of_on) as table
select * from check_findings_as_of(as_of_on) where check_id = 'underivable';

comment on macro table check_underivable_as_of is
    'Derivations whose inputs are bounds in opposite directions, so no figure can be derived. Zero rows means every derivation gave a figure.';
