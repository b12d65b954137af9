-- Revisions of the brief's window, newest first, with both releases' publishers: those brought
-- by releases the previous brief did not know or, on a first brief (no previous: $2 is null),
-- those whose later release was published in the $3 days up to the as-of date. The brief
-- lists the first rows under "What changed" and attaches every row as revisions.csv.
-- Parameters: $1 as_of (date), $2 release ids the previous brief knew (varchar[] or null),
-- $3 days of a first brief's window (integer).
select r.*, m.short_name, old_p.name as old_publisher, new_p.name as new_publisher
from revisions_as_of(cast($1 as date)) as r
left join core.metrics as m using (metric_id)
left join core.publishers as old_p on old_p.publisher_id = r.old_reported_by
left join core.publishers as new_p on new_p.publisher_id = r.new_reported_by
where case
    when $2 is null then r.new_published_on > cast($1 as date) - cast($3 as integer)
    else not list_contains(cast($2 as varchar[]), r.new_release_id)
end
order by r.new_published_on desc, r.metric_id, r.period_start
