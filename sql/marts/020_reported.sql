-- Builds: marts.reported, the latest reported vintage of each metric and period, for each
-- span of time in which the known vintages of that metric and period stayed the same.
-- Grain: one row per metric per period per span (known_from, known_until).
-- Inputs: marts.vintages.
-- The newest vintage that gives a value wins, with its own growth rate; when a newer release
-- gives only a growth rate, that rate (and its release, yoy_release_id) replaces it. The
-- choosing is done on a few narrow columns (a wide row sorted per span is slow), and the
-- chosen vintages are then joined back whole.
-- Materialised: marts.reported, rows replaced by metric_id
create or replace temp view build_reported as
with

vintages as not materialized (
    select * from marts.vintages where metric_id in (select metric_id from build_scope)
),

-- A figure's reported value can change only on a day one of its vintages was published.
moments as (
    select distinct metric_id, period_kind, period_start, period_end, known_from as moment
    from vintages
),

spans as (
    select
        *,
        span_until(moment, (metric_id, period_kind, period_start, period_end)) as moment_until
    from moments
),

-- For each span, the vintages known then: how many, the newest with a value (or the newest
-- at all when none has one), and the newest with a growth rate. A struct compares field by
-- field, so max() picks by value first, then publication date, load order, release, figure.
choices as (
    select
        s.metric_id, s.period_kind, s.period_start, s.period_end, s.moment, s.moment_until,
        count(*) as vintage_count,
        max({
            has_value: v.value is not null, published_on: v.published_on,
            loaded_at: v.loaded_at, release_id: v.release_id, seq: v.seq
        }) as pick,
        max({
            published_on: v.published_on, loaded_at: v.loaded_at,
            release_id: v.release_id, seq: v.seq
        }) filter (where v.yoy_pct is not null) as rate
    from spans as s
    inner join vintages as v
        on v.metric_id = s.metric_id and v.period_kind = s.period_kind
        and v.period_start = s.period_start and v.period_end = s.period_end
        and v.known_from <= s.moment
    group by all
),

final as (
    select
        v.* exclude (known_from, known_until, yoy_pct, yoy_comparator, yoy_text, yoy_lo, yoy_hi),
        c.vintage_count,
        v.vintage_number = c.vintage_count as is_latest,
        r.yoy_pct,
        r.yoy_comparator,
        r.yoy_text,
        r.yoy_lo,
        r.yoy_hi,
        r.release_id as yoy_release_id,
        c.moment as known_from,
        c.moment_until as known_until
    from choices as c
    inner join vintages as v
        on v.release_id = c.pick.release_id and v.seq = c.pick.seq
    left join vintages as r
        on r.release_id = c.rate.release_id and r.seq = c.rate.seq
        -- a rate older than the value's own release belongs to another report: not shown
        and (r.published_on, r.loaded_at) >= (v.published_on, v.loaded_at)
)

select * from final;
