-- The archived path of a feed's newest listing (parameter: source_id), read again on a 304.
select archived_path from core.raw_payloads
where source_id = ? and outcome = 'listed'
order by first_seen_at desc
limit 1
