-- The documented views and what each holds: the hint shown with every query error.
select view_name, comment from duckdb_views() where not internal
