-- Builds: stale_metrics (view), metrics with no new release for longer than usual, today.
-- Grain: one row per metric ever reported. Inputs: stale_metrics_as_of.
create or replace view stale_metrics as
select * from stale_metrics_as_of(current_date);

comment on view stale_metrics is
    'Each reported metric with its newest release date, usual interval between releases (median gap), days since, and is_stale (more than 1.5 usual intervals without a new release).';
