-- Every known publisher id, for validating a release before it is inserted.
select publisher_id from core.publishers
