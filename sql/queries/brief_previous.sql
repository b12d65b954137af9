-- The brief "What changed" compares with: the newest *regular* brief as of the given date or
-- before it (none on a first run). Back-dated briefs (kind 'as-of') are never the previous
-- brief. Parameter: the as-of date of the brief being made.
select generated_at, as_of, pdf_path, release_ids
from core.briefs
where coalesce(kind, 'regular') = 'regular' and as_of <= ?
order by generated_at desc
limit 1
