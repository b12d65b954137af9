-- Inserts a batch of observations from a newline-delimited JSON file (parameter: its path),
-- by column name: the file's columns are those of core.observations.
insert into core.observations by name
select *
from read_json(?, format = 'newline_delimited', columns = {
    release_id: 'varchar', seq: 'integer', metric_id: 'varchar', period_kind: 'varchar',
    period_start: 'date', period_end: 'date', period_text: 'varchar', value: 'double',
    value_as_written: 'varchar', multiplier_word: 'varchar', unit: 'varchar',
    comparator: 'varchar', qualifier_text: 'varchar', rounding_halfwidth: 'double',
    yoy_pct: 'double', yoy_comparator: 'varchar', yoy_text: 'varchar',
    yoy_rounding_halfwidth: 'double', reported_by: 'varchar', attributed_on: 'date',
    attributed_text: 'varchar', vintage_status: 'varchar', quote: 'varchar',
    quote_start: 'integer', quote_end: 'integer', note: 'varchar'
})
