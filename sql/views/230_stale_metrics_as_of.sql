-- Builds: stale_metrics_as_of(as_of_on), metrics with no new release for longer than usual.
-- Grain: one row per metric ever reported. Inputs: marts.metric_releases, core.metrics.
-- The usual interval is the median gap between the publication dates of the releases that
-- reported the metric (at least 30 days; 365 when it was reported once). A metric is stale when
-- its newest release is older than one and a half usual intervals. Subqueries, not a `with`:
-- DuckDB 1.4.0 and 1.4.1 cannot run a table macro with a `with` clause written by a newer one.
create or replace macro stale_metrics_as_of(as_of_on) as table
select
    p.metric_id,
    m.name as metric_name,
    m.short_name,
    p.last_published_on,
    p.release_count,
    cast(p.usual_interval_days as integer) as usual_interval_days,
    cast(as_of_on as date) - p.last_published_on as days_since_last,
    cast(as_of_on as date) - p.last_published_on > 1.5 * p.usual_interval_days as is_stale
from (
    select
        metric_id,
        max(published_on) as last_published_on,
        count(*) as release_count,
        greatest(coalesce(median(gap_days), 365), 30) as usual_interval_days
    from marts.metric_releases
    where known_from <= cast(as_of_on as date)
    group by metric_id
) as p
left join core.metrics as m using (metric_id);

comment on macro table stale_metrics_as_of is
    'For each metric ever reported, as known on the date given: its newest release, its usual interval between releases (median gap, at least 30 days, 365 when reported once), days since, and is_stale when that exceeds 1.5 usual intervals.';
