-- How a full build stores a mart: marts.{mart} is created from its model, the temp view
-- build_{mart} over every metric ({mart} and {key} from the model file's "-- Materialised:"
-- line; the marts were dropped first). Its rows are stored in metric order, so that an
-- incremental build (sql/build/materialise.sql), which replaces one metric's rows, touches few
-- of the table's row groups, and closing the file after it rewrites little.
create table marts.{mart} as select * from build_{mart} order by {key}
