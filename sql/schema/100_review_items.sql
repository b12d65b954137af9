-- Builds: core.review_items, the review queue: every number the extractor found in a release
-- but did not load by itself (no metric, an unsure metric, period, unit or growth rate, a value
-- far from the metric's history), with the reason and what it read, kept until a reviewer
-- settles it (core.review_decisions). Nothing here is ever deleted.
-- Grain: one row per number held per release. Inputs: the loader.
create sequence if not exists core.review_id_seq start 1;

create table if not exists core.review_items (
    review_id bigint primary key default nextval('core.review_id_seq'),
    release_id varchar not null,
    seq integer not null,                 -- order of the number within its release
    reason varchar not null,              -- why it was held instead of loaded
    metric_id varchar,                    -- the extractor's suggestion, if it had one
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
    yoy_comparator varchar,
    yoy_text varchar,
    vintage_status varchar,
    quote varchar not null,
    quote_start integer,
    quote_end integer,
    queued_at timestamp not null default current_timestamp,
    unique (release_id, seq)
);
