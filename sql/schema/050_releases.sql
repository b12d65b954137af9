-- Builds: core.releases, one document that reported figures (article, press release, table).
-- Grain: one row per release; never updated once loaded. Inputs: the loader.
create table if not exists core.releases (
    release_id varchar primary key,
    title varchar not null,
    publisher_id varchar not null,
    published_on date not null,
    published_on_note varchar,
    url varchar,
    language varchar,
    retrieved_at timestamptz,
    content_sha256 varchar not null,  -- of the document exactly as archived
    claims_sha256 varchar not null,   -- of the release file (its curated or parsed claims)
    document_path varchar,            -- relative to warehouse/
    notes varchar,
    loaded_at timestamptz not null default current_timestamp
);
