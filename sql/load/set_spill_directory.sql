-- Where DuckDB spills past its memory limit (parameter: a writable folder); a read-only
-- connection has no spill folder of its own.
set temp_directory = ?
