-- Revisions brought by releases the previous brief did not know.
-- Parameters: $1 as_of (date), $2 release ids the previous brief knew (varchar[]).
select r.*, m.short_name, old_p.name as old_publisher, new_p.name as new_publisher
from revisions_as_of(cast($1 as date)) as r
left join core.metrics as m using (metric_id)
left join core.publishers as old_p on old_p.publisher_id = r.old_reported_by
left join core.publishers as new_p on new_p.publisher_id = r.new_reported_by
where not list_contains(cast($2 as varchar[]), r.new_release_id)
order by r.new_published_on desc, r.metric_id
