-- Inserts a batch of releases from a newline-delimited JSON file (parameter: its path).
-- load_order keeps the batch's order in loaded_at, which orders vintages published the same day.
insert into core.releases (
    release_id, title, publisher_id, published_on, published_on_note, url, language,
    retrieved_at, content_sha256, claims_sha256, document_path, notes, loaded_at
)
select release_id, title, publisher_id, published_on, published_on_note, url, language,
       retrieved_at, content_sha256, claims_sha256, document_path, notes,
       current_timestamp + to_microseconds(load_order)
from read_json(?, format = 'newline_delimited', columns = {
    release_id: 'varchar', title: 'varchar', publisher_id: 'varchar', published_on: 'date',
    published_on_note: 'varchar', url: 'varchar', language: 'varchar',
    retrieved_at: 'timestamptz', content_sha256: 'varchar', claims_sha256: 'varchar',
    document_path: 'varchar', notes: 'varchar', load_order: 'bigint'
})
order by load_order
