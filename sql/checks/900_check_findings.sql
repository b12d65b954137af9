-- Builds: marts.check_findings, every check's offending rows in one list, each with the span of
-- time in which it held. Grain: one row per finding per span.
-- Inputs: build_check_integrity, build_check_cross_claims, build_check_underivable (this folder).
-- Materialised: marts.check_findings, rows replaced by metric_id
create or replace temp view build_check_findings as
with

unioned as (
    select * from build_check_integrity
    union all by name
    select * from build_check_cross_claims
    union all by name
    select * from build_check_underivable
),

final as (select * from unioned)

select * from final;
