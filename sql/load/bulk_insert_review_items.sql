-- Inserts a batch of unmatched figures from a newline-delimited JSON file (parameter: its path).
insert into core.unmatched_figures (
    release_id, seq, reason, period_kind, period_start, period_end, period_text, value,
    value_as_written, multiplier_word, unit, comparator, qualifier_text, yoy_pct, yoy_text,
    quote, quote_start, quote_end
)
select release_id, seq, reason, period_kind, period_start, period_end, period_text, value,
       value_as_written, multiplier_word, unit, comparator, qualifier_text, yoy_pct, yoy_text,
       quote, quote_start, quote_end
from read_json(?, format = 'newline_delimited', columns = {
    release_id: 'varchar', seq: 'integer', reason: 'varchar', period_kind: 'varchar',
    period_start: 'date', period_end: 'date', period_text: 'varchar', value: 'double',
    value_as_written: 'varchar', multiplier_word: 'varchar', unit: 'varchar',
    comparator: 'varchar', qualifier_text: 'varchar', yoy_pct: 'double', yoy_text: 'varchar',
    quote: 'varchar', quote_start: 'integer', quote_end: 'integer'
})
