-- Inserts the figures of the certain files of a fast load into core.observations (parameter:
-- their paths), by column name. A file without a document has no quote spans.
insert into core.observations by name
select r.doc.release_id as release_id, f.seq, f.metric_id, f.period_kind, f.period_start,
       f.period_end, f.period_text, f.value, f.value_as_written, f.multiplier_word, f.unit,
       f.comparator, f.qualifier_text, f.rounding_halfwidth, f.yoy_pct, f.yoy_comparator,
       f.yoy_text, f.yoy_rounding_halfwidth, f.reported_by, f.attributed_on, f.attributed_text,
       f.vintage_status, f.quote, f.note
from fast_figures as f
join fast_releases as r on r.filename = f.filename
where f.filename in (select unnest(?::varchar[]))
