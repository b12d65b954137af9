-- Builds: cross_checks (view), every comparison of one claim with another, with its verdict.
-- Grain: one row per comparison. Inputs: marts.cross_checks (the rows known today: known_until is open).
create or replace view cross_checks as
select * exclude (known_from, known_until) from marts.cross_checks where known_until = date 'infinity';

comment on view cross_checks is
    'Every cross-claim comparison (reported rate vs levels, derived vs reported, qualifier changes between vintages) with the interval each side allows and a verdict.';
