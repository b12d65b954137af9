-- Inserts one observation (a figure a reviewer accepted); parameters in the column order below.
insert into core.observations (
    release_id, seq, metric_id, period_kind, period_start, period_end, period_text,
    value, value_as_written, multiplier_word, unit, comparator, qualifier_text,
    rounding_halfwidth, yoy_pct, yoy_comparator, yoy_text, yoy_rounding_halfwidth,
    reported_by, attributed_on, attributed_text, vintage_status, quote, quote_start, quote_end,
    note
)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
