-- Every vintage of every figure known on a date, for the brief's CSV attachment.
-- Parameter: as_of (date).
select
    metric_id, metric_name, geography, period_kind, period_start, period_end, period_label,
    value, unit, comparator, qualifier_text, value_as_written, multiplier_word,
    yoy_pct, yoy_comparator, vintage_number, vintage_count, is_latest, vintage_status,
    release_id, published_on, reported_by, attributed_on, attributed_text, quote
from vintages_as_of(cast(? as date))
order by metric_id, period_start, period_end, vintage_number
