-- Attaches the live warehouse, read-only, as the snapshot's source (parameter: its path).
attach ? as warehouse (read_only)
