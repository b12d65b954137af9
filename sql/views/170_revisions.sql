-- Builds: revisions (view), every revision of a reported figure, old beside new, known today.
-- Grain: one row per vintage that changed the one before it. Inputs: marts.revisions,
-- core.publishers.
create or replace view revisions as
with

revisions as (
    select * exclude (known_from, known_until) from marts.revisions
    where known_until = date 'infinity'
),

publishers as (select publisher_id, name from core.publishers),

final as (
    select
        r.*,
        old_p.name as old_publisher,
        new_p.name as new_publisher
    from revisions as r
    left join publishers as old_p on old_p.publisher_id = r.old_reported_by
    left join publishers as new_p on new_p.publisher_id = r.new_reported_by
)

select * from final;

comment on view revisions is
    'Every revision: a later release reporting a metric and period already reported with another value, qualifier or growth rate. old_* and new_* give both vintages with their releases, sources and statuses (preliminary, revised); value_change_pct and yoy_change_pp measure the change. Use revisions_as_of(date) for an earlier state.';
