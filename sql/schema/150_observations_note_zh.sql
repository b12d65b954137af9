-- Builds: core.observations.note_zh, a figure's note in Chinese as the release prints it (a
-- 注： line), when it has one (flows/model/release.py, Figure.note_zh). Grain: one row per
-- figure per release (a column of core.observations). Inputs: the loader.
alter table core.observations add column if not exists note_zh varchar;
