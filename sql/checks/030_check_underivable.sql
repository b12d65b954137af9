-- Builds: check_underivable_as_of(as_of_on), derivations whose input bounds point opposite
-- ways, so that nothing can be said about the result (it is left out of figures).
-- Grain: one row per metric per period per derivation. Inputs: derived_as_of.
create or replace macro check_underivable_as_of(as_of_on, from_marts := false) as table
select
    'underivable' as check_id,
    'info' as severity,
    metric_id,
    period_label,
    source_release_ids[1] as release_id,
    metric_name || ', ' || period_label || ': ' || derivation || ' from ' || inputs
        || ' gives no bound: the bounds of its inputs pull the result in opposite directions'
        as message
from derived_for(as_of_on, from_marts)
where value is null;

comment on macro table check_underivable_as_of is
    'Derivations whose inputs are bounds in opposite directions, so no figure can be derived. Zero rows means every derivation gave a figure.';
