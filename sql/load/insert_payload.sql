-- Records an archived payload and its outcome (parameters in column order below).
insert into core.raw_payloads (
    source_id, sha256, requested_url, final_url, file_name, content_type, bytes, archived_path,
    outcome, release_ids, reason
) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
