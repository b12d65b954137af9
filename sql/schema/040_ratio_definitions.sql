-- Builds: core.ratio_definitions, which share metric is which numerator over which denominator.
-- Grain: one row per share metric. Inputs: warehouse/seeds/ratios.csv (upserted by the loader).
create table if not exists core.ratio_definitions (
    ratio_metric_id varchar primary key,
    numerator_metric_id varchar not null,
    denominator_metric_id varchar not null
);
