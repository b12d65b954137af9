-- Creates marts.{mart} with the columns of its model, build_{mart}, if it does not exist yet
-- (the first build, or the first after the SQL changed). See sql/build/materialise.sql.
create table if not exists marts.{mart} as select * from build_{mart} limit 0
