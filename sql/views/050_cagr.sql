-- Builds: cagr (view), compound annual growth between every two annual levels of a metric.
-- Grain: one row per metric per (start year, end year). Inputs: cagr_as_of.
create or replace view cagr as
select * from cagr_as_of(current_date);

comment on view cagr is
    'Compound annual growth in percent a year between every two whole-year levels of a metric, with cagr_comparator carrying the bounds of its inputs.';
