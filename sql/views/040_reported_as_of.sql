-- Builds: reported_as_of(as_of_on), what marts.reported says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.reported.
create or replace macro reported_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.reported
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table reported_as_of is
    'The newest reported figure of every metric and period as known on the date given (no derived figures): the newest vintage with a value, with the newest reported growth rate (yoy_release_id says which release gave it).';
