-- The newest briefs, newest first (parameter: how many).
select generated_at, as_of, pdf_path, len(release_ids) as releases, flow_run_id,
       coalesce(kind, 'regular') as kind
from core.briefs
order by generated_at desc
limit ?
