-- Builds: figures_as_of(as_of_on), what marts.figures says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.figures.
create or replace macro figures_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.figures
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table figures_as_of is
    'What was known on the date given: one row per metric and period, the latest reported vintage, or a derived figure (is_derived) where nothing was reported. value is in base units; comparator is one of =, ~, >, >=, <, <=.';
