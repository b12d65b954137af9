-- Caps DuckDB's memory for this database (parameter: a size such as '512MB'); past it, spills.
set memory_limit = ?
