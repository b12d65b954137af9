-- Builds: reported_as_of(as_of_on), the latest reported vintage of each metric and period.
-- Grain: one row per metric per period. Inputs: vintages_as_of.
create or replace macro reported_as_of(as_of_on) as table
select * from vintages_as_of(as_of_on) where is_latest;

comment on macro table reported_as_of is
    'The newest reported vintage of every metric and period as known on the date given (no derived figures).';
