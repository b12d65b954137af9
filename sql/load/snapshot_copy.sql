-- Copies every schema, table, view and macro of the warehouse into the snapshot.
copy from database warehouse to snapshot
