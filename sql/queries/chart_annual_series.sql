-- A metric's whole-year levels as known on a date, reported and derived, oldest first.
-- Parameters: as_of (date), metric_id.
select year(period_start) as year, value, unit, comparator, is_approximate, is_derived,
    value_as_written, multiplier_word
from figures_as_of(cast(? as date))
where metric_id = ? and value is not null and is_full_year(period_start, period_end)
order by year
