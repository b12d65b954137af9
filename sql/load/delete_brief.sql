-- Forgets a brief whose publication did not finish (its snapshot could not be written, or the
-- run was killed before its PDF reached its name): the next brief must not compare with it.
-- Parameters: $1 pdf_path.
delete from core.briefs
where pdf_path = $1
