-- Builds: review_queue (view), the numbers still awaiting a reviewer's decision, oldest first.
-- Grain: one row per held number not yet settled. Inputs: review_items.
create or replace view review_queue as
with

items as (select * from review_items),

final as (
    select * exclude (status, decided_at, reviewer, decision_note, observation_seq)
    from items
    where status = 'awaiting review'
)

select * from final
order by queued_at, review_id;

comment on view review_queue is
    'Numbers awaiting review, oldest first: barometer review lists them; accept ID loads one as a figure, reject ID --reason settles it.';
