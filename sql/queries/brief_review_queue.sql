-- How many numbers await review and which has waited longest, for the brief's note.
-- Parameter: as_of (date): only releases published by then count.
with

queue as (
    select * from review_queue where published_on <= cast(? as date)
),

final as (
    select
        count(*) over () as awaiting,
        review_id,
        release_id,
        publisher_id,
        published_on,
        queued_at,
        reason
    from queue
)

select * from final
order by queued_at, review_id
limit 1
