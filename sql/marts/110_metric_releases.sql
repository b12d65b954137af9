-- Builds: marts.metric_releases, each day a release reported a metric, with the gap since the
-- previous such day: what stale_metrics_as_of measures a metric's usual interval by.
-- Grain: one row per metric per publication date, known from that date on (a gap never
-- changes once both of its days have passed). Inputs: marts.vintages.
-- Materialised: marts.metric_releases, rows replaced by metric_id
create or replace temp view build_metric_releases as
with

release_dates as (
    select distinct metric_id, published_on
    from marts.vintages
    where metric_id in (select metric_id from build_scope)
),

gaps as (
    select
        metric_id,
        published_on,
        published_on - lag(published_on) over (partition by metric_id order by published_on)
            as gap_days
    from release_dates
),

final as (
    select *, published_on as known_from, date 'infinity' as known_until from gaps
)

select * from final;
