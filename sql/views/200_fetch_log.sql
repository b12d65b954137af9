-- Builds: fetch_log (view), every HTTP attempt made to collect a source, newest first.
-- Grain: one row per attempt. Inputs: core.fetch_log.
create or replace view fetch_log as
-- a duration to read: a tenth of a millisecond, not a double's noise
select * replace (round(duration_ms, 1) as duration_ms) from core.fetch_log
order by started_at desc, attempt desc;

comment on view fetch_log is
    'Every HTTP attempt made to collect a source: URL, status, decoded bytes, duration, outcome (ok, not_modified, retry, failed, redirect) and error. The last attempt of a fetch carries its ETag, Last-Modified and the SHA-256 of the payload archived under warehouse/raw/<source>/.';
