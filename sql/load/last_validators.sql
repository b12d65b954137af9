-- The validators (ETag, Last-Modified) of the newest successful fetch of a URL by a source,
-- for a conditional request. Parameters: source_id, requested_url.
select etag, last_modified
from core.fetch_log
where source_id = ? and requested_url = ? and outcome in ('ok', 'not_modified')
    and (etag is not null or last_modified is not null)
order by started_at desc, attempt desc
limit 1
