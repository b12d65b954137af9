-- Records one HTTP attempt (parameters in column order below).
insert into core.fetch_log (
    run_id, source_id, requested_url, url, attempt, started_at, status, bytes, duration_ms,
    outcome, error, etag, last_modified, payload_sha256
) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
