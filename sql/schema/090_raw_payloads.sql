-- Builds: core.raw_payloads, every payload archived unchanged under warehouse/raw/<source>/<sha256>
-- and what became of it. Grain: one row per source per distinct payload (SHA-256); a payload
-- seen again is not parsed or loaded again. Inputs: the collector and the inbox.
create table if not exists core.raw_payloads (
    source_id varchar not null,           -- a source of warehouse/sources.toml, or 'inbox'
    sha256 varchar not null,
    requested_url varchar,
    final_url varchar,
    file_name varchar,                    -- for an inbox file, its name when dropped
    content_type varchar,
    bytes bigint not null,
    archived_path varchar not null,       -- relative to warehouse/
    first_seen_at timestamptz not null default current_timestamp,
    outcome varchar not null  -- 'listed' is a feed's listing page
        check (outcome in ('loaded', 'unchanged', 'rejected', 'listed')),
    release_ids varchar[],
    reason varchar,                       -- why it was rejected
    primary key (source_id, sha256)
);
