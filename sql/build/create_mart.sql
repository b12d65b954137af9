-- How a full build stores a mart: marts.{mart} is created from its model, the temp view
-- build_{mart} over every metric ({mart} from the model file's "-- Materialised:" line; the
-- marts were dropped first). An incremental build replaces rows: sql/build/materialise.sql.
create table marts.{mart} as select * from build_{mart}
