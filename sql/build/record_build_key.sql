-- Records the build key the marts were built with, and how. Parameters: $1 build key,
-- $2 build kind (full, incremental), $3 how many metrics it recomputed.
insert into marts.build_state (build_key, built_at, build_kind, metrics_rebuilt)
values ($1, current_timestamp, $2, $3)
