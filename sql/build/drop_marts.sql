-- A full build: the SQL or the reference data changed, so every mart table is dropped (its
-- columns may have changed) and rebuilt from the stored claims; no metric's fingerprint is kept.
drop schema if exists marts cascade;
create schema marts;
