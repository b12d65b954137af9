-- Builds: marts.figures, what was known: the latest reported vintage of every metric and
-- period, plus derived figures while nothing was reported for that metric and period, each
-- with its real-time period.
-- Grain: one row per metric per period per span. Inputs: marts.reported, marts.derived,
-- core.publishers, core.releases.
-- Materialised: marts.figures, rows replaced by metric_id
create or replace temp view build_figures as
with

reported as not materialized (select * from marts.reported where metric_id in (select metric_id from build_scope)),

derived as not materialized (
    select * from marts.derived
    where derivation_rank = 1 and value is not null
        and metric_id in (select metric_id from build_scope)
),

publishers as (select publisher_id, name, name_zh from core.publishers),

releases as (select release_id, published_on from core.releases),

-- Reported rows of a metric and period cover every day from its first publication on (a new
-- vintage only replaces one), so a derived figure stands until that day: nothing to split.
first_reported as (
    select metric_id, period_kind, period_start, period_end, min(known_from) as reported_from
    from reported
    group by all
),

standing as (
    select
        d.*,
        least(d.known_until, coalesce(f.reported_from, date 'infinity')) as standing_until
    from derived as d
    left join first_reported as f
        on f.metric_id = d.metric_id and f.period_kind = d.period_kind
        and f.period_start = d.period_start and f.period_end = d.period_end
    where d.known_from < coalesce(f.reported_from, date 'infinity')
),

-- Who a derived figure comes from, and when its newest input was published, per distinct list
-- of sources.
source_publishers as (
    select
        ids.source_publisher_ids,
        'derived from ' || string_agg(distinct p.name, ', ' order by p.name) as publisher
    from (select distinct source_publisher_ids from standing) as ids
    cross join unnest(ids.source_publisher_ids) as u(publisher_id)
    inner join publishers as p on p.publisher_id = u.publisher_id
    group by ids.source_publisher_ids
),

source_releases as (
    select ids.source_release_ids, max(rel.published_on) as published_on
    from (select distinct source_release_ids from standing) as ids
    cross join unnest(ids.source_release_ids) as u(release_id)
    inner join releases as rel on rel.release_id = u.release_id
    group by ids.source_release_ids
),

reported_figures as (
    select
        r.metric_id,
        r.metric_name,
        r.geography,
        r.measure,
        r.period_kind,
        r.period_start,
        r.period_end,
        r.period_label,
        r.period_text,
        r.value,
        r.unit,
        r.comparator,
        r.is_approximate,
        r.qualifier_text,
        r.value_as_written,
        r.multiplier_word,
        r.yoy_pct,
        r.yoy_comparator,
        r.yoy_release_id,
        false as is_derived,
        cast(null as varchar) as derivation,
        r.reported_by as publisher_id,
        p.name as publisher,
        p.name_zh as publisher_zh,
        r.release_id,
        r.published_on,
        r.quote,
        r.vintage_status,
        r.vintage_count,
        r.value_lo,
        r.value_hi,
        r.note,
        r.known_from,
        r.known_until
    from reported as r
    left join publishers as p on p.publisher_id = r.reported_by
),

derived_figures as (
    select
        d.metric_id,
        d.metric_name,
        d.geography,
        d.measure,
        d.period_kind,
        d.period_start,
        d.period_end,
        d.period_label,
        cast(null as varchar) as period_text,
        d.value,
        d.unit,
        d.comparator,
        d.is_approximate,
        cast(null as varchar) as qualifier_text,
        cast(null as varchar) as value_as_written,
        cast(null as varchar) as multiplier_word,
        cast(null as double) as yoy_pct,
        cast(null as varchar) as yoy_comparator,
        cast(null as varchar) as yoy_release_id,
        true as is_derived,
        d.derivation,
        cast(null as varchar) as publisher_id,
        sp.publisher,
        cast(null as varchar) as publisher_zh,
        d.source_release_ids[1] as release_id,
        sr.published_on,
        d.derivation || ': ' || d.inputs as quote,
        cast(null as varchar) as vintage_status,
        cast(0 as bigint) as vintage_count,
        d.value_lo,
        d.value_hi,
        cast(null as varchar) as note,
        d.known_from,
        d.standing_until as known_until
    from standing as d
    left join source_publishers as sp on sp.source_publisher_ids = d.source_publisher_ids
    left join source_releases as sr on sr.source_release_ids = d.source_release_ids
),

final as (
    select * from reported_figures
    union all by name
    select * from derived_figures
)

select * from final;
