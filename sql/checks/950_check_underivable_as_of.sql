-- Builds: check_underivable_as_of(as_of_on), derivations that give no bound as known on a date: the rows of
-- marts.check_findings of check_id 'underivable' whose real-time period holds the date, most severe first.
-- Grain: one row per finding. Inputs: marts.check_findings.
create or replace macro check_underivable_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.check_findings
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until
    and check_id = 'underivable'
order by case severity when 'error' then 0 when 'warning' then 1 else 2 end,
    check_id, metric_id, period_label, release_id, message;

comment on macro table check_underivable_as_of is
    'Derivations whose inputs are bounds in opposite directions, so no figure can be derived. Zero rows means every derivation gave a figure.';
