-- Every known metric with its unit, for validating a release before it is inserted.
select metric_id, unit from core.metrics
