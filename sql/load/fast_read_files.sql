-- Builds: fast_files (temporary), the bytes of the release files of a fast load as text.
-- Grain: one row per file. Inputs: the files' paths (?). A file that is not UTF-8 has no text
-- (the model says why it is refused). Read in a statement of its own: parsing in the same
-- scan took three times as long.
create or replace temp table fast_files as
select filename, try(decode(content)) as content
from read_blob(?)
