-- Inserts a batch of observations from a newline-delimited JSON file (parameters: its path, and
-- its columns with their types, flows/warehouse/bulk_insert.py: a figure's fields as the release
-- model declares them, and what the load adds), by column name. The model's multiplier is
-- stored as multiplier_word.
insert into core.observations by name
select * rename (multiplier as multiplier_word)
from read_json(?, format = 'newline_delimited', columns = ?)
