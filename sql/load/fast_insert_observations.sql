-- Inserts the figures of the certain files of a fast load into core.observations (parameter:
-- their paths), by column name: every column of fast_figures but the file's name and verdict.
-- A file without a document has no quote spans.
insert into core.observations by name
select r.doc.release_id as release_id,
       f.* exclude (filename, certain) rename (multiplier as multiplier_word)
from fast_figures as f
join fast_releases as r on r.filename = f.filename
where f.filename in (select unnest(?::varchar[]))
