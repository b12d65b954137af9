-- Builds: check_findings_as_of(as_of_on) and the view check_findings, every check's offending
-- rows in one list, most severe first. Grain: one row per finding.
-- Inputs: every check_*_as_of macro in this folder.
create or replace macro check_findings_computed(as_of_on, from_marts) as table
with

unioned as (
    select * from check_integrity_as_of(as_of_on, from_marts := from_marts)
    union all by name
    select * from check_cross_claims_as_of(as_of_on, from_marts := from_marts)
    union all by name
    select * from check_underivable_as_of(as_of_on, from_marts := from_marts)
),

final as (
    select * from unioned
    order by case severity when 'error' then 0 when 'warning' then 1 else 2 end,
        check_id, metric_id, period_label
)

select * from final;

comment on macro table check_findings_computed is
    'What check_findings_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.check_findings as select * from check_findings_computed(date '9999-12-31', true);

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro check_findings_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.check_findings where marts_current(as_of_on)
union all by name
select * from check_findings_computed((select computed_on from marts_guard), false);

comment on macro table check_findings_as_of is
    'Every check finding as known on the date given: severity error (blocking), warning or info.';

create or replace view check_findings as
select * from check_findings_as_of(current_date);

comment on view check_findings is
    'Every finding of the checks (integrity, cross-claim consistency, underivable figures) as known today: severity error blocks a run; warnings and notes are printed in the brief.';
