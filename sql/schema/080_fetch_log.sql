-- Builds: core.fetch_log, every HTTP attempt made to collect a source, kept for audit.
-- Grain: one row per attempt (a retried fetch gives several rows, one per try and redirect hop).
-- Inputs: the collector. The last row of a fetch carries its validators and payload hash.
create table if not exists core.fetch_log (
    run_id varchar not null,              -- one collection run (a UUID)
    source_id varchar not null,
    requested_url varchar not null,       -- the URL asked for, before redirects
    url varchar not null,                 -- the URL this attempt fetched
    attempt integer not null,             -- 1, 2, … within one fetch
    started_at timestamptz not null,
    status integer,                       -- HTTP status, NULL when no response came
    bytes bigint not null default 0,      -- decoded bytes read
    duration_ms double not null,
    outcome varchar not null
        check (outcome in ('ok', 'not_modified', 'retry', 'failed', 'redirect')),
    error varchar,
    etag varchar,
    last_modified varchar,
    payload_sha256 varchar
);
