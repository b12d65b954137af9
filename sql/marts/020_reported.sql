-- Builds: marts.reported, the latest reported vintage of each metric and period, for each
-- span of time in which the known vintages of that metric and period stayed the same.
-- Grain: one row per metric per period per span (known_from, known_until).
-- Inputs: marts.vintages.
-- The newest vintage that gives a value wins, with its own growth rate; when a newer release
-- gives only a growth rate, that rate (and its release, yoy_release_id) replaces it.
-- Materialised: marts.reported, rows replaced by metric_id
create or replace temp view build_reported as
with

vintages as (select * from marts.vintages where metric_id in (select metric_id from build_scope)),

-- A figure's reported value can change only on a day one of its vintages was published.
moments as (
    select distinct metric_id, period_kind, period_start, period_end, known_from as moment
    from vintages
),

spans as (
    select
        *,
        coalesce(lead(moment) over (
            partition by metric_id, period_kind, period_start, period_end order by moment
        ), date 'infinity') as moment_until
    from moments
),

-- Every vintage known during each span, counted as vintages_as_of counts them on such a day.
known as (
    select
        v.* exclude (known_from, known_until),
        s.moment as known_from,
        s.moment_until as known_until,
        count(*) over span as vintage_count
    from spans as s
    inner join vintages as v
        on v.metric_id = s.metric_id and v.period_kind = s.period_kind
        and v.period_start = s.period_start and v.period_end = s.period_end
        and v.known_from <= s.moment
    window span as (
        partition by s.metric_id, s.period_kind, s.period_start, s.period_end, s.moment
    )
),

valued_first as (
    select
        *,
        vintage_number = vintage_count as is_latest,
        row_number() over (
            partition by metric_id, period_kind, period_start, period_end, known_from
            order by value is not null desc, published_on desc, loaded_at desc,
                release_id desc, seq desc
        ) as pick
    from known
),

latest_rates as (
    select
        metric_id, period_kind, period_start, period_end, known_from,
        yoy_pct, yoy_comparator, yoy_text, yoy_lo, yoy_hi, release_id as yoy_release_id,
        published_on as yoy_published_on, loaded_at as yoy_loaded_at
    from known
    where yoy_pct is not null
    qualify row_number() over (
        partition by metric_id, period_kind, period_start, period_end, known_from
        order by published_on desc, loaded_at desc, release_id desc, seq desc
    ) = 1
),

final as (
    select
        v.* exclude (pick, yoy_pct, yoy_comparator, yoy_text, yoy_lo, yoy_hi),
        r.yoy_pct,
        r.yoy_comparator,
        r.yoy_text,
        r.yoy_lo,
        r.yoy_hi,
        r.yoy_release_id
    from valued_first as v
    left join latest_rates as r
        on r.metric_id = v.metric_id and r.period_kind = v.period_kind
        and r.period_start = v.period_start and r.period_end = v.period_end
        and r.known_from = v.known_from
        -- a rate older than the value's own release belongs to another report: not shown
        and (r.yoy_published_on, r.yoy_loaded_at) >= (v.published_on, v.loaded_at)
    where v.pick = 1
)

select * from final;
