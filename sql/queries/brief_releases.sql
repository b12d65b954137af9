-- Releases published on or before a date, with every source they quote. Parameter: as_of (date).
with

releases as (select * from releases where published_on <= cast(? as date)),

-- Who each release quotes: one row per release and source (a release has many figures).
quoted as (select distinct release_id, reported_by from core.observations),

sources as (
    select
        q.release_id,
        string_agg(distinct p.name || coalesce(' (' || p.name_zh || ')', ''), '; '
            order by p.name || coalesce(' (' || p.name_zh || ')', '')) as quoted_sources
    from quoted as q
    inner join core.publishers as p on p.publisher_id = q.reported_by
    group by q.release_id
),

final as (
    select r.*, s.quoted_sources
    from releases as r
    left join sources as s using (release_id)
)

select * from final order by published_on desc, release_id
