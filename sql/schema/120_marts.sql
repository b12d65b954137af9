-- Builds: the `marts` schema, where each build materialises the marts as known with every
-- loaded release, and marts.refresh_state, the state of the stored claims that build saw.
-- Grain: one row (the last build). Inputs: sql/marts/000_refresh_state.sql.
create schema if not exists marts;

create table if not exists marts.refresh_state (
    state varchar not null,               -- warehouse_state() when the marts were built
    refreshed_at timestamptz not null
);
