-- Upserts core.metrics from a metrics CSV (parameter: its path).
insert or replace into core.metrics
select
    metric_id, name, short_name, nullif(name_zh, ''), geography, unit, measure,
    cast(nullif(headline_rank, '') as integer), nullif(description, '')
from read_csv(?, header = true, all_varchar = true)
