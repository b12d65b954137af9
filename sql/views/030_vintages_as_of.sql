-- Builds: vintages_as_of(as_of_on), every figure known on a date, each numbered as a vintage:
-- the rows of marts.vintages published on or before it, counted and marked as they stood then.
-- Grain: one row per figure per release published on or before as_of_on. Inputs: marts.vintages.
-- A vintage's known_until is the day a newer vintage replaced it: on a date before that, it
-- was the newest (is_latest).
create or replace macro vintages_as_of(as_of_on) as table
select
    * exclude (known_from, known_until),
    count(*) over (partition by metric_id, period_kind, period_start, period_end)
        as vintage_count,
    cast(as_of_on as date) < known_until as is_latest
from marts.vintages
where known_from <= cast(as_of_on as date);

comment on macro table vintages_as_of is
    'Every figure as each release reported it, restricted to releases published on or before the date given; vintage_number 1 is the first report, is_latest marks the newest.';
