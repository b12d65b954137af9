-- Builds: revisions_as_of(as_of_on), what marts.revisions says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.revisions.
create or replace macro revisions_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.revisions
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table revisions_as_of is
    'Every revision known on the date given: a release that reported a metric and period already reported, with another value, qualifier or growth rate; old and new side by side with both releases.';
