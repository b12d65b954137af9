-- Records a rendered brief and the releases it knew: those published by its as-of date.
-- Parameters: $1 generated_at, $2 as_of, $3 pdf_path, $4 flow_run_id, $5 kind ('regular' or
-- 'as-of').
insert into core.briefs (generated_at, as_of, pdf_path, release_ids, flow_run_id, kind)
select
    cast($1 as timestamptz),
    cast($2 as date),
    $3,
    coalesce(list(release_id order by release_id), []),
    $4,
    $5
from core.releases
where published_on <= cast($2 as date)
