-- Builds: core.observations, every figure exactly as one release reported it.
-- Grain: one row per figure per release. A later release reporting the same metric and period
-- adds a row (a new vintage); nothing is ever overwritten. Inputs: the loader.
create table if not exists core.observations (
    release_id varchar not null,
    seq integer not null,                 -- order of the figure within its release
    metric_id varchar not null,
    period_kind varchar not null
        check (period_kind in ('year', 'half', 'quarter', 'month', 'ytd', 'level')),
    period_start date not null,
    period_end date not null,
    period_text varchar,                  -- the period as the release wrote it
    value double,                         -- base units: 2.63 trillion yuan is 2630000000000
    value_as_written varchar,             -- '2.63', '175,700', '1/3'
    multiplier_word varchar,              -- 'trillion', '万亿', …
    unit varchar not null,
    comparator varchar check (comparator in ('=', '~', '>', '>=', '<', '<=')),
    qualifier_text varchar,               -- 'more than', 'exceeded', '约', …
    rounding_halfwidth double,            -- half a unit of the last printed digit, base units
    yoy_pct double,
    yoy_comparator varchar check (yoy_comparator in ('=', '~', '>', '>=', '<', '<=')),
    yoy_text varchar,
    yoy_rounding_halfwidth double,        -- percentage points
    reported_by varchar not null,         -- publisher the release attributes the figure to
    attributed_on date,                   -- when that source said it (first day when only a month)
    attributed_text varchar,
    vintage_status varchar check (vintage_status in ('preliminary', 'revised', 'final')),
    quote varchar not null,               -- the verbatim sentence
    quote_start integer,                  -- character span of the quote in the document
    quote_end integer,
    note varchar,
    primary key (release_id, seq),
    check (value is not null or yoy_pct is not null),
    check ((value is null) = (comparator is null)),
    check (period_end >= period_start)
);
