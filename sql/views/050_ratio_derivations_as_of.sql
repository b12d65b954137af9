-- Builds: ratio_derivations_as_of(as_of_on), what marts.ratio_derivations says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.ratio_derivations.
create or replace macro ratio_derivations_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.ratio_derivations
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table ratio_derivations_as_of is
    'Shares, numerators or denominators derived from the other two terms of a ratio reported for the same period, with bounds carried through (value is NULL where the bounds point opposite ways).';
