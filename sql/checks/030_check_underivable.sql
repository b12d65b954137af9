-- Builds: build_check_underivable (temp view), derivations whose input bounds point opposite
-- ways, so that nothing can be said about the result (it is left out of figures).
-- Grain: one row per metric per period per derivation per span. Inputs: marts.derived. Read
-- through check_findings.
create or replace temp view build_check_underivable as
select
    'underivable' as check_id,
    'info' as severity,
    metric_id,
    period_label,
    source_release_ids[1] as release_id,
    metric_name || ', ' || period_label || ': ' || derivation || ' from ' || inputs
        || ' gives no bound: the bounds of its inputs pull the result in opposite directions'
        as message,
    known_from,
    known_until
from marts.derived
where value is null and metric_id in (select metric_id from build_scope);
