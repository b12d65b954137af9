-- Builds: cagr (view), compound annual growth between every two annual levels of a metric.
-- Grain: one row per metric per (start year, end year). Inputs: marts.cagr (the rows known today: known_until is open).
create or replace view cagr as
select * exclude (known_from, known_until) from marts.cagr where known_until = date 'infinity';

comment on view cagr is
    'Compound annual growth in percent a year between every two whole-year levels of a metric, with cagr_comparator carrying the bounds of its inputs.';
