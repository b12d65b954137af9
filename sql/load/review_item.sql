-- One held number with its release's publisher and date, and its decision if settled.
-- Parameter: review_id.
select i.*, r.publisher_id, r.published_on, d.decision, d.decided_at, d.reviewer,
    d.note as decision_note
from core.review_items as i
inner join core.releases as r using (release_id)
left join core.review_decisions as d using (review_id)
where i.review_id = ?
