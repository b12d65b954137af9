-- Records this build's metrics: each metric's fingerprint, which the next build compares
-- against (sql/build/scope.sql).
delete from marts.metric_state;

insert into marts.metric_state by name select * from build_inputs;

delete from marts.build_state;
