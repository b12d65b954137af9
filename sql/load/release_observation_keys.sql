-- The figures a release already gives, and the last seq it used. Parameter: release_id.
select seq, metric_id, period_kind, period_start, period_end
from core.observations
where release_id = ?
order by seq
