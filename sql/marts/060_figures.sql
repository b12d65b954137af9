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

-- A derived figure stands only while nothing is reported for its metric and period: the days
-- on which either side can change.
derived_moments as (
    select distinct metric_id, period_kind, period_start, period_end,
        unnest([known_from, known_until]) as moment
    from derived
    union
    select r.metric_id, r.period_kind, r.period_start, r.period_end, r.known_from as moment
    from reported as r
    semi join derived as d
        on d.metric_id = r.metric_id and d.period_kind = r.period_kind
        and d.period_start = r.period_start and d.period_end = r.period_end
),

derived_spans as (
    select
        *,
        coalesce(lead(moment) over (
            partition by metric_id, period_kind, period_start, period_end order by moment
        ), date 'infinity') as moment_until
    from derived_moments
    where moment < date 'infinity'
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
        'derived from ' || (
            select string_agg(distinct p.name, ', ' order by p.name)
            from publishers as p
            where list_contains(d.source_publisher_ids, p.publisher_id)
        ) as publisher,
        cast(null as varchar) as publisher_zh,
        d.source_release_ids[1] as release_id,
        (
            select max(rel.published_on) from releases as rel
            where list_contains(d.source_release_ids, rel.release_id)
        ) as published_on,
        d.derivation || ': ' || d.inputs as quote,
        cast(null as varchar) as vintage_status,
        cast(0 as bigint) as vintage_count,
        d.value_lo,
        d.value_hi,
        cast(null as varchar) as note,
        s.moment as known_from,
        s.moment_until as known_until
    from derived_spans as s
    inner join derived as d
        on d.metric_id = s.metric_id and d.period_kind = s.period_kind
        and d.period_start = s.period_start and d.period_end = s.period_end
        and valid_at(s.moment, d.known_from, d.known_until)
    where not exists (
        select 1 from reported as r
        where r.metric_id = s.metric_id and r.period_kind = s.period_kind
            and r.period_start = s.period_start and r.period_end = s.period_end
            and valid_at(s.moment, r.known_from, r.known_until)
    )
),

final as (
    select * from reported_figures
    union all by name
    select * from derived_figures
)

select * from final;
