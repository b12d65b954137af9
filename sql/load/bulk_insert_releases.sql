-- Inserts a batch of releases from a newline-delimited JSON file (parameters: its path, and its
-- columns with their types, flows/warehouse/bulk_insert.py: a release's fields as the release
-- model declares them, and what the load adds), by column name. load_order keeps the batch's
-- order in loaded_at, which orders vintages published the same day.
insert into core.releases by name
select * exclude (load_order), current_timestamp + to_microseconds(load_order) as loaded_at
from read_json(?, format = 'newline_delimited', columns = ?)
order by load_order
