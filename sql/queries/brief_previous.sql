-- The brief before this run's: the newest recorded brief (none on a first run).
select generated_at, as_of, pdf_path, release_ids
from core.briefs
order by generated_at desc
limit 1
