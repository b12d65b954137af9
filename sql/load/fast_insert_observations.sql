-- Inserts the figures of the certain files of a fast load into core.observations (parameter:
-- their paths). A file without a document has no quote spans.
insert into core.observations (
    release_id, seq, metric_id, period_kind, period_start, period_end, period_text,
    value, value_as_written, multiplier_word, unit, comparator, qualifier_text,
    rounding_halfwidth, yoy_pct, yoy_comparator, yoy_text, yoy_rounding_halfwidth,
    reported_by, attributed_on, attributed_text, vintage_status, quote, quote_start, quote_end,
    note
)
select r.doc.release_id, f.seq, f.metric_id, f.period_kind, f.period_start, f.period_end,
       f.period_text, f.value, f.value_as_written, f.multiplier_word, f.unit, f.comparator,
       f.qualifier_text, f.rounding_halfwidth, f.yoy_pct, f.yoy_comparator, f.yoy_text,
       f.yoy_rounding_halfwidth, f.reported_by, f.attributed_on, f.attributed_text,
       f.vintage_status, f.quote, null, null, f.note
from fast_figures as f
join fast_releases as r on r.filename = f.filename
where f.filename in (select unnest(?::varchar[]))
