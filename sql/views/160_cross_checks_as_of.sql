-- Builds: cross_checks_as_of(as_of_on), what marts.cross_checks says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.cross_checks.
create or replace macro cross_checks_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.cross_checks
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table cross_checks_as_of is
    'Every cross-claim comparison as known on the date given, with the intervals each claim allows and a verdict: consistent, compatible (different periods), inconsistent, differs (different periods) or qualifiers differ.';
