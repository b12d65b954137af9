-- Figures of those new releases that report a metric and period for the first time.
-- Parameters: $1 as_of (date), $2 release ids the previous brief knew (varchar[]).
select metric_id, metric_name, period_label, value, unit, comparator, value_as_written,
    multiplier_word, yoy_pct, yoy_comparator, release_id, published_on
from vintages_as_of(cast($1 as date))
where vintage_number = 1 and not list_contains(cast($2 as varchar[]), release_id)
order by metric_id, period_start
