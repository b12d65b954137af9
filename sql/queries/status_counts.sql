-- What `barometer status` counts: numbers awaiting review, and today's check findings by
-- severity. Parameter: as_of (date).
select
    (select count(*) from review_queue) as awaiting_review,
    (select count(*) from check_findings_as_of(cast($1 as date)) where severity = 'error')
        as errors,
    (select count(*) from check_findings_as_of(cast($1 as date)) where severity = 'warning')
        as warnings,
    (select count(*) from check_findings_as_of(cast($1 as date)) where severity = 'info')
        as infos
