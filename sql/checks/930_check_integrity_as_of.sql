-- Builds: check_integrity_as_of(as_of_on), the integrity check's findings as known on a date:
-- the findings of check_findings_as_of whose check_id is 'integrity'.
-- Grain: one row per finding. Inputs: check_findings_as_of.
create or replace macro check_integrity_as_of(as_of_on) as table
select * from check_findings_as_of(as_of_on) where check_id = 'integrity';

comment on macro table check_integrity_as_of is
    'Blocking check: figures that break the model''s rules (unknown metric or source, wrong unit, negative value, share above 1, change at or below -100%). Zero rows means it holds.';
