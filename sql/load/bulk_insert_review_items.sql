-- Inserts a batch of numbers held for review from a newline-delimited JSON file (parameter: its
-- path); each gets the next review_id.
insert into core.review_items (
    release_id, seq, reason, metric_id, period_kind, period_start, period_end, period_text,
    value, value_as_written, multiplier_word, unit, comparator, qualifier_text, yoy_pct,
    yoy_comparator, yoy_text, vintage_status, quote, quote_start, quote_end
)
select release_id, seq, reason, metric_id, period_kind, period_start, period_end, period_text,
       value, value_as_written, multiplier_word, unit, comparator, qualifier_text, yoy_pct,
       yoy_comparator, yoy_text, vintage_status, quote, quote_start, quote_end
from read_json(?, format = 'newline_delimited', columns = {
    release_id: 'varchar', seq: 'integer', reason: 'varchar', metric_id: 'varchar',
    period_kind: 'varchar', period_start: 'date', period_end: 'date', period_text: 'varchar',
    value: 'double', value_as_written: 'varchar', multiplier_word: 'varchar', unit: 'varchar',
    comparator: 'varchar', qualifier_text: 'varchar', yoy_pct: 'double',
    yoy_comparator: 'varchar', yoy_text: 'varchar', vintage_status: 'varchar',
    quote: 'varchar', quote_start: 'integer', quote_end: 'integer'
})
order by release_id, seq
