-- The review queue as `barometer review` prints it: awaiting items oldest first, or, with the
-- parameter true, every item with its decision. Parameter: include_settled (boolean).
select review_id, status, release_id, published_on, reason, suggested_metric_id, period_kind,
    period_start, period_end, value, value_as_written, multiplier_word, unit, comparator,
    yoy_pct, yoy_comparator, quote, queued_at, decided_at, reviewer, decision_note
from review_items
where status = 'awaiting review' or cast(? as boolean)
order by queued_at, review_id
