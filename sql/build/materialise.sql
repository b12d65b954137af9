-- How an incremental build stores a mart: the rows of the metrics in build_scope are replaced
-- in marts.{mart} by the rows of its model, the temp view build_{mart}. {mart} and {key} come
-- from the model file's "-- Materialised: marts.<mart>, rows replaced by <key>" line (checked
-- to be plain names). A full build creates the table instead: sql/build/create_mart.sql.
delete from marts.{mart} where {key} in (select metric_id from build_scope);

insert into marts.{mart} by name select * from build_{mart};
