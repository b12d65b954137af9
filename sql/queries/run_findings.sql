-- What a run checks before it renders: every error and warning as known on a date, most severe
-- first (the notes are counted by run_note_count.sql: a long history has tens of thousands,
-- and the brief lists them all in findings.csv). Parameter: as_of (date).
select * from check_findings_as_of(cast(? as date))
where severity <> 'info'
order by case severity when 'error' then 0 else 1 end,
    check_id, metric_id, period_label, release_id, message
