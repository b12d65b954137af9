-- Builds: the `core` schema, home of the stored tables (analysts query the views in `main`).
-- Grain: n/a. Inputs: none.
create schema if not exists core;
