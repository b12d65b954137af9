-- Builds: cagr_as_of(as_of_on), what marts.cagr says as known on a date: its rows whose
-- real-time period [known_from, known_until) holds the date. Grain: that of the mart, one span.
-- Inputs: marts.cagr.
create or replace macro cagr_as_of(as_of_on) as table
select * exclude (known_from, known_until)
from marts.cagr
where cast(as_of_on as date) >= known_from and cast(as_of_on as date) < known_until;

comment on macro table cagr_as_of is
    'Compound annual growth (percent a year) between every two whole-year levels of a metric as known on the date given, with the comparator its inputs allow.';
