-- The typical value of each metric: the median of its loaded values, per day of the period for a
-- flow (so a quarter compares with a year). A newly extracted value far from it is held for
-- review (flows/extract/decide.py). No parameters.
select
    metric_id,
    median(case when period_kind = 'level' then value
                else value / (date_diff('day', period_start, period_end) + 1) end) as typical
from core.observations
where value > 0 and unit <> 'share'
group by metric_id
