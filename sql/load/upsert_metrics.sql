-- Upserts core.metrics from a metrics CSV (parameter: its path).
insert or replace into core.metrics by name
select
    metric_id, name, short_name, nullif(name_zh, '') as name_zh, geography, unit, measure,
    cast(nullif(headline_rank, '') as integer) as headline_rank,
    nullif(description, '') as description, nullif(topic, '') as topic
from read_csv(?, header = true, all_varchar = true)
