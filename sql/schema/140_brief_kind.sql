-- Builds: core.briefs.kind, 'regular' for a brief of its own day, 'as-of' for a back-dated one
-- (barometer run --as-of). Only regular briefs are the "previous brief" that "What changed"
-- compares with. Grain: one row per brief (a column of core.briefs). Inputs: the flow.
alter table core.briefs add column if not exists kind varchar default 'regular';
