-- Builds: fast_releases (temporary), the release files of a fast load parsed whole by DuckDB.
-- Grain: one row per file. Inputs: fast_files and the release format as a json_transform
-- structure (?, flows/warehouse/fast_load.py derives it from the pydantic model, every field as text).
-- A file that holds a backslash (an escape) or is not JSON is left out; fast_verdicts.sql
-- compares the others with their canonical form.
create or replace temp table fast_releases as
select filename, content, try(json_transform(content, ?)) as doc
from fast_files
where content is not null and not contains(content, '\')
