-- Inserts one unmatched figure (parameters in column order below).
insert into core.unmatched_figures (
    release_id, seq, reason, period_kind, period_start, period_end, period_text, value,
    value_as_written, multiplier_word, unit, comparator, qualifier_text, yoy_pct, yoy_text,
    quote, quote_start, quote_end
) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
