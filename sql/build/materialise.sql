-- How every mart is materialised (the one piece of SQL shared by all of them): the model file
-- defines the temp view build_{mart} over the metrics in build_scope; its rows replace those
-- metrics' rows in marts.{mart}. {mart} and {key} come from the model file's
-- "-- Materialised: marts.<mart>, rows replaced by <key>" line (checked to be plain names).
-- A build with no metric in scope runs only the first statement (sql/build/create_mart.sql).
delete from marts.{mart} where {key} in (select metric_id from build_scope);

insert into marts.{mart} by name select * from build_{mart};
