-- Builds: core.publishers, who publishes or is quoted as the source of figures.
-- Grain: one row per publisher. Inputs: warehouse/seeds/publishers.csv (upserted by the loader).
create table if not exists core.publishers (
    publisher_id varchar primary key,
    name varchar not null,
    name_zh varchar,
    kind varchar,
    homepage varchar
);
