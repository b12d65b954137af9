-- Builds: core.unmatched_figures, numbers the extractor found in a release but could not map to
-- a metric (or to a valid period), kept for review instead of being dropped.
-- Grain: one row per unmatched figure per release. Inputs: the loader.
create table if not exists core.unmatched_figures (
    release_id varchar not null,
    seq integer not null,
    reason varchar not null,              -- why it was not mapped
    period_kind varchar,
    period_start date,
    period_end date,
    period_text varchar,
    value double,
    value_as_written varchar,
    multiplier_word varchar,
    unit varchar,
    comparator varchar,
    qualifier_text varchar,
    yoy_pct double,
    yoy_text varchar,
    quote varchar not null,
    quote_start integer,
    quote_end integer,
    primary key (release_id, seq)
);
