-- Builds: valid_at(moment, known_from, known_until), is a row with this real-time period the
-- one known at a moment? Grain: n/a (function). Inputs: none.
-- Every mart row is known from a release's publication date (known_from) until the date a
-- newer release replaced it (known_until, 'infinity' while it stands): a half-open interval.
create or replace macro valid_at(moment, known_from, known_until) as
    moment >= known_from and moment < known_until;
