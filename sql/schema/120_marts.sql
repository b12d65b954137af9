-- Builds: the `marts` schema, where each build stores every mart as a plain table whose rows
-- carry their real-time period (known_from, known_until), and the record of the builds:
-- marts.build_state (the SQL and reference data the marts were built with) and
-- marts.metric_state (a fingerprint of each metric's stored claims at the last build).
-- Grain: build_state one row (the last build); metric_state one row per metric.
-- Inputs: sql/build/record_build.sql writes both.
create schema if not exists marts;

-- The cache of the previous design (a fingerprint checked by every *_as_of macro): gone.
drop table if exists marts.refresh_state;

create table if not exists marts.build_state (
    build_key varchar not null,           -- SHA-256 of sql/ and of the reference data
    built_at timestamptz not null,
    build_kind varchar not null,          -- full or incremental
    metrics_rebuilt bigint not null       -- metrics whose rows this build recomputed
);

create table if not exists marts.metric_state (
    metric_id varchar not null,
    observation_count bigint not null,
    fingerprint ubigint not null          -- order-independent hash of its claims and releases
);
