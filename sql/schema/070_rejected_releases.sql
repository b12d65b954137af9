-- Builds: core.rejected_releases, every release the loader refused, with the reason.
-- Grain: one row per rejection (the same file rejected twice gives two rows). Inputs: the loader.
create table if not exists core.rejected_releases (
    source_path varchar not null,
    release_id varchar,
    content_sha256 varchar,
    reason varchar not null,
    rejected_at timestamptz not null default current_timestamp
);
