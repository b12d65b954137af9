-- The URLs a feed source has already collected (parameter: source_id): not fetched again.
select distinct requested_url from core.raw_payloads
where source_id = ? and outcome in ('loaded', 'unchanged', 'rejected')
