-- The PDF path of the newest recorded brief: a run checks that its publication finished.
select pdf_path
from core.briefs
order by generated_at desc
limit 1
