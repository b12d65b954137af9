"""The DuckDB warehouse: connect, run sql/, load, build and check, snapshot, query."""
