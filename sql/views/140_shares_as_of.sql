-- Builds: shares_as_of(as_of_on), what marts.shares says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.shares.
create or replace macro shares_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.shares
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table shares_as_of is
    'Every share (a fraction: one-third is 0.333…) as known on the date given, reported or derived, beside its numerator and denominator for the same period.';
