-- Inserts the certain files of a fast load into core.releases (parameters: their paths, load
-- orders, SHA-256 and document paths, as lists in the same order). load_order places them among
-- the releases loaded through the model in the same transaction (bulk_insert_releases.sql).
insert into core.releases (
    release_id, title, publisher_id, published_on, published_on_note, url, language,
    retrieved_at, content_sha256, claims_sha256, document_path, notes, loaded_at
)
with accepted as (
    select unnest(?::varchar[]) as filename, unnest(?::bigint[]) as load_order,
           unnest(?::varchar[]) as sha256, unnest(?::varchar[]) as document_path
)
select r.doc.release_id, r.doc.title, r.doc.publisher_id, r.doc.published_on::date,
       r.doc.published_on_note, r.doc.url, r.doc.language, r.doc.retrieved_at::timestamptz,
       a.sha256, a.sha256, a.document_path, r.doc.notes,
       current_timestamp + to_microseconds(a.load_order)
from accepted as a
join fast_releases as r on r.filename = a.filename
order by a.load_order
