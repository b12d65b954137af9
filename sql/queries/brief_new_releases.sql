-- Releases published by the as-of date that the previous brief did not know, newest first.
-- Parameters: $1 as_of (date), $2 release ids the previous brief knew (varchar[]).
select release_id, title, publisher, published_on, url, figure_count
from releases
where published_on <= cast($1 as date)
    and not list_contains(cast($2 as varchar[]), release_id)
order by published_on desc, release_id
