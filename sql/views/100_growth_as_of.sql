-- Builds: growth_as_of(as_of_on), what marts.growth says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.growth.
create or replace macro growth_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.growth
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table growth_as_of is
    'Per metric and period as known on the date given: the reported year-on-year change, the change computed from the two levels, their difference, and the prior-period level implied by the reported change, each with its comparator.';
