-- How many check findings of severity info (notes) stand on a date. Parameter: as_of (date).
select count(*) as notes from check_findings_as_of(cast(? as date)) where severity = 'info'
