-- Sources whose fetch failed in the newest collection run: the last attempt of each URL it
-- asked for ended 'failed'. Columns: source_id, requested_url, error, started_at.
with last_run as (
    select run_id from core.fetch_log order by started_at desc limit 1
),
last_attempt as (
    select f.*, row_number() over (
        partition by f.source_id, f.requested_url order by f.started_at desc, f.attempt desc
    ) as rn
    from core.fetch_log as f
    where f.run_id = (select run_id from last_run)
)
select source_id, requested_url, error, started_at
from last_attempt
where rn = 1 and outcome = 'failed'
order by source_id, requested_url
