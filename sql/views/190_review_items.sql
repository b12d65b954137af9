-- Builds: review_items (view), every number the extractor held for review instead of loading,
-- with the reason, what it read, and the decision taken on it (none yet: it awaits review).
-- Grain: one row per held number. Inputs: core.review_items, core.review_decisions,
-- core.releases.
create or replace view review_items as
with

items as (select * from core.review_items),

decisions as (select * from core.review_decisions),

releases as (select release_id, publisher_id, published_on, url from core.releases),

final as (
    select
        i.review_id,
        coalesce(d.decision, 'awaiting review') as status,
        i.release_id,
        r.publisher_id,
        r.published_on,
        r.url,
        i.seq,
        i.reason,
        i.metric_id as suggested_metric_id,
        i.period_kind,
        i.period_start,
        i.period_end,
        i.period_text,
        i.value,
        i.value_as_written,
        i.multiplier_word,
        i.unit,
        i.comparator,
        i.qualifier_text,
        i.yoy_pct,
        i.yoy_comparator,
        i.yoy_text,
        i.vintage_status,
        i.quote,
        i.quote_start,
        i.quote_end,
        i.queued_at,
        d.decided_at,
        d.reviewer,
        d.note as decision_note,
        d.observation_seq
    from items as i
    inner join releases as r using (release_id)
    left join decisions as d using (review_id)
)

select * from final;

comment on view review_items is
    'Every number the extractor found in a release but did not load by itself, with the reason, what it read, its verbatim sentence and the reviewer''s decision (status: awaiting review, accepted, rejected). Settle one with barometer review accept|reject ID.';
