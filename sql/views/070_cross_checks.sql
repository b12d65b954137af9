-- Builds: cross_checks (view), every comparison of one claim with another, with its verdict.
-- Grain: one row per comparison. Inputs: cross_checks_as_of.
create or replace view cross_checks as
select * from cross_checks_as_of(current_date);

comment on view cross_checks is
    'Every cross-claim comparison (reported rate vs levels, derived vs reported, qualifier changes between vintages) with the interval each side allows and a verdict.';
