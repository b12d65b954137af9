-- Builds: derived_as_of(as_of_on), what marts.derived says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.derived.
create or replace macro derived_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.derived
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table derived_as_of is
    'Every derived figure as known on the date given: levels implied by reported growth and ratio terms, with comparator, is_approximate and the interval the inputs allow.';
