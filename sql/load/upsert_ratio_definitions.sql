-- Upserts core.ratio_definitions from a ratios CSV (parameter: its path).
insert or replace into core.ratio_definitions
select ratio_metric_id, numerator_metric_id, denominator_metric_id
from read_csv(?, header = true, all_varchar = true)
