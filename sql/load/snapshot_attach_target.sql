-- Attaches the new snapshot file in storage format v1.0.0, which DuckDB 1.0 and newer read
-- (parameter: its path). Keep flows/warehouse/snapshot.py's SNAPSHOT_STORAGE_VERSION in step.
attach ? as snapshot (storage_version 'v1.0.0')
