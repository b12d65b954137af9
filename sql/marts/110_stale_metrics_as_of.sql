-- Builds: stale_metrics_as_of(as_of_on), metrics with no new release for longer than usual.
-- Grain: one row per metric ever reported. Inputs: stg_observations, core.metrics.
-- The usual interval is the median gap between the publication dates of the releases that
-- reported the metric (at least 30 days; 365 when it was reported once). A metric is stale when
-- its newest release is older than one and a half usual intervals.
create or replace macro stale_metrics_as_of(as_of_on) as table
with

release_dates as (
    select distinct metric_id, published_on
    from stg_observations
    where published_on <= as_of_on
),

gaps as (
    select
        metric_id,
        published_on,
        published_on - lag(published_on) over (partition by metric_id order by published_on)
            as gap_days
    from release_dates
),

per_metric as (
    select
        metric_id,
        max(published_on) as last_published_on,
        count(*) as release_count,
        greatest(coalesce(median(gap_days), 365), 30) as usual_interval_days
    from gaps
    group by metric_id
),

metrics as (select metric_id, name as metric_name, short_name from core.metrics),

final as (
    select
        p.metric_id,
        m.metric_name,
        m.short_name,
        p.last_published_on,
        p.release_count,
        cast(p.usual_interval_days as integer) as usual_interval_days,
        cast(as_of_on as date) - p.last_published_on as days_since_last,
        cast(as_of_on as date) - p.last_published_on > 1.5 * p.usual_interval_days as is_stale
    from per_metric as p
    left join metrics as m using (metric_id)
)

select * from final;

comment on macro table stale_metrics_as_of is
    'For each metric ever reported, as known on the date given: its newest release, its usual interval between releases (median gap, at least 30 days, 365 when reported once), days since, and is_stale when that exceeds 1.5 usual intervals.';
