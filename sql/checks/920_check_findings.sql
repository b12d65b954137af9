-- Builds: check_findings (view), every finding of the checks as known today, most severe first.
-- Grain: one row per finding. Inputs: marts.check_findings (known_until open).
create or replace view check_findings as
select * exclude (known_from, known_until)
from marts.check_findings
where known_until = date 'infinity'
order by case severity when 'error' then 0 when 'warning' then 1 else 2 end,
    check_id, metric_id, period_label, release_id, message;

comment on view check_findings is
    'Every finding of the checks (integrity, cross-claim consistency, underivable figures) as known today: severity error blocks a run; warnings and notes are printed in the brief.';
