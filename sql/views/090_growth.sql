-- Builds: growth (view), reported and computed year-on-year change and implied prior levels.
-- Grain: one row per metric per period. Inputs: marts.growth (the rows known today: known_until is open).
create or replace view growth as
select * exclude (known_from, known_until) from marts.growth where known_until = date 'infinity';

comment on view growth is
    'Per metric and period: reported_yoy_pct beside computed_yoy_pct (from the two levels) and their difference in points, and implied_prior_value (the prior-period level the reported change implies), each with the comparator that applies to it.';
