-- Upserts core.publishers from a publishers CSV (parameter: its path).
insert or replace into core.publishers
select publisher_id, name, nullif(name_zh, ''), nullif(kind, ''), nullif(homepage, '')
from read_csv(?, header = true, all_varchar = true)
