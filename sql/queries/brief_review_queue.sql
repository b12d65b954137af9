-- How many numbers await review and which has waited longest, for the brief's note.
-- Parameter: as_of (date): only releases published by then count.
with

queue as (
    select * from review_queue where published_on <= cast(? as date)
),

publishers as (select publisher_id, name as publisher from core.publishers),

final as (
    select
        count(*) over () as awaiting,
        q.review_id,
        q.release_id,
        p.publisher,
        q.published_on,
        q.queued_at,
        q.reason
    from queue as q
    left join publishers as p using (publisher_id)
)

select * from final
order by queued_at, review_id
limit 1
