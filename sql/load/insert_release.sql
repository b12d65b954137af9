-- Inserts one release (parameters in column order below).
insert into core.releases (
    release_id, title, publisher_id, published_on, published_on_note, url, language,
    retrieved_at, content_sha256, claims_sha256, document_path, notes
) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
