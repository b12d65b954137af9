-- The build key the stored marts were built with (no row: never built).
select build_key from marts.build_state
