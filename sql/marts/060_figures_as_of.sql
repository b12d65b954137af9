-- Builds: figures_as_of(as_of_on), what was known on a date: the latest reported vintage of every
-- metric and period, plus derived figures where nothing was reported for that metric and period.
-- Grain: one row per metric per period. Inputs: reported_as_of, derived_as_of, core.publishers,
-- core.releases.
create or replace macro figures_computed(as_of_on, from_marts) as table
with

reported as (select * from reported_for(as_of_on, from_marts)),

derived as (
    select * from derived_for(as_of_on, from_marts) where derivation_rank = 1 and value is not null
),

publishers as (select publisher_id, name, name_zh from core.publishers),

releases as (select release_id, published_on from core.releases),

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
        r.note
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
        cast(null as varchar) as note
    from derived as d
    where not exists (
        select 1 from reported as r
        where r.metric_id = d.metric_id and r.period_kind = d.period_kind
            and r.period_start = d.period_start and r.period_end = d.period_end
    )
),

final as (
    select * from reported_figures
    union all by name
    select * from derived_figures
)

select * from final;

comment on macro table figures_computed is
    'What figures_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.figures as select * from figures_computed(date '9999-12-31', true);

-- What a computation downstream reads: the table during a build (from_marts), else computed.
create or replace macro figures_for(as_of_on, from_marts) as table
select * from marts.figures where from_marts
union all by name
select * from figures_computed(as_of_on, from_marts) where not from_marts;

comment on macro table figures_for is
    'Internal: marts.figures when from_marts (a build), else figures_computed(as_of_on).';

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro figures_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.figures where marts_current(as_of_on)
union all by name
select * from figures_computed((select computed_on from marts_guard), false);

comment on macro table figures_as_of is
    'What was known on the date given: one row per metric and period, the latest reported vintage, or a derived figure (is_derived) where nothing was reported. value is in base units; comparator is one of =, ~, >, >=, <, <=.';
