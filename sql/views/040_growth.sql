-- Builds: growth (view), reported and computed year-on-year change and implied prior levels.
-- Grain: one row per metric per period. Inputs: growth_as_of.
create or replace view growth as
select * from growth_as_of(current_date);

comment on view growth is
    'Per metric and period: reported_yoy_pct beside computed_yoy_pct (from the two levels) and their difference in points, and implied_prior_value (the prior-period level the reported change implies), each with the comparator that applies to it.';
