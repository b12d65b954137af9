-- Builds: the record of this build in marts.refresh_state. Grain: one row.
-- Inputs: warehouse_state(). The files after this one rebuild every marts.* table from the
-- claims as they are now, in the same transaction (sqlrunner.apply_layers), so the state
-- recorded here and the tables always match.
delete from marts.refresh_state;

insert into marts.refresh_state (state, refreshed_at)
select warehouse_state(), current_timestamp;
