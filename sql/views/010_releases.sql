-- Builds: releases (view), every loaded release with its publisher and how many figures it gave.
-- Grain: one row per release. Inputs: core.releases, core.publishers, core.observations.
create or replace view releases as
with

releases as (select * from core.releases),

publishers as (select publisher_id, name, name_zh from core.publishers),

counts as (
    select release_id, count(*) as figure_count from core.observations group by release_id
),

final as (
    select
        r.release_id,
        r.title,
        r.publisher_id,
        p.name as publisher,
        p.name_zh as publisher_zh,
        r.published_on,
        r.published_on_note,
        r.url,
        r.language,
        r.retrieved_at,
        r.content_sha256,
        r.document_path,
        coalesce(c.figure_count, 0) as figure_count,
        r.loaded_at
    from releases as r
    left join publishers as p using (publisher_id)
    left join counts as c using (release_id)
)

select * from final;

comment on view releases is
    'Every loaded release (an article, press release or table that reported figures): publisher, publication date, URL, content hash and how many figures it gave.';
comment on column releases.content_sha256 is 'SHA-256 of the document exactly as archived.';
