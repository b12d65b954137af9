-- Revisions known on a date, newest first, with both releases' publishers.
-- Parameter: as_of (date).
with

revisions as (select * from revisions_as_of(cast(? as date))),

publishers as (select publisher_id, name from core.publishers),

metrics as (select metric_id, short_name from core.metrics),

final as (
    select
        r.*,
        m.short_name,
        old_p.name as old_publisher,
        new_p.name as new_publisher
    from revisions as r
    left join metrics as m using (metric_id)
    left join publishers as old_p on old_p.publisher_id = r.old_reported_by
    left join publishers as new_p on new_p.publisher_id = r.new_reported_by
)

select * from final
order by new_published_on desc, metric_id, period_start
