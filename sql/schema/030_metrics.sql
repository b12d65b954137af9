-- Builds: core.metrics, what is measured, where, and in which unit.
-- Grain: one row per metric. Inputs: warehouse/seeds/metrics.csv (upserted by the loader).
create table if not exists core.metrics (
    metric_id varchar primary key,
    name varchar not null,
    short_name varchar not null,          -- for chart labels
    name_zh varchar,
    geography varchar not null,
    unit varchar not null,
    measure varchar not null check (measure in ('flow', 'stock', 'ratio')),
    headline_rank integer,
    description varchar,
    topic varchar                          -- the brief's heading; null: the geography
);

-- Warehouses made before topics were added.
alter table core.metrics add column if not exists topic varchar;
