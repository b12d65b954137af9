-- Inserts a batch of numbers held for review from a newline-delimited JSON file (parameters: its
-- path, and its columns with their types, flows/warehouse/bulk_insert.py: a held number's
-- fields as the release model declares them, and what the load adds), by column name; each
-- gets the next review_id, in release and number order.
insert into core.review_items by name
select * rename (multiplier as multiplier_word)
from read_json(?, format = 'newline_delimited', columns = ?)
order by release_id, seq
