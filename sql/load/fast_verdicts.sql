-- Which files of a fast load the release model would surely accept, as DuckDB read them
-- (parameter: today's date). Grain: one row per file of fast_releases. Inputs: fast_releases,
-- fast_figures, core.publishers. `certain` false: the file goes through the model.
-- A file is `canonical` when its bytes are exactly what json.dumps(release, ensure_ascii=False)
-- writes from the values DuckDB read (fields in the model's order, absent rather than null, no
-- escapes): then Python's parser reads the same keys, strings and number texts, and a
-- duplicate or unknown key, a number as a string, a trailing comma, NaN or '12.30' for 12.3
-- cannot pass unseen. Any other file is left to the model.
with parsed as (
    select filename, doc, content from fast_releases where doc is not null
),
rebuilt as (
    -- to_json writes the fields in the model's order (the structure's), without spaces and
    -- with nulls; json.dumps puts ", " and ": " between items and the file has no null field.
    -- A string here holds no quote (that needs a backslash), so every quote of either text
    -- delimits a key or a string: the spaces taken out of the file are json.dumps's, and one
    -- taken out of a string, or a null left in, can only make the texts differ (the file then
    -- goes to the model).
    select
        filename, doc,
        replace(replace(replace(content, '": ', '":'), ', "', ',"'), '}, {', '},{')
            = regexp_replace(to_json(doc), ',"[a-z_0-9]+":null|"[a-z_0-9]+":null,', '', 'g')
            as is_canonical
    from parsed
),
figures as (
    select
        filename,
        bool_and(certain) as all_certain,
        count(*) as figure_count,
        count(distinct (metric_id, period_kind, period_start, period_end)) as distinct_periods,
        max(period_start) as last_start,
        max(case when period_kind <> 'level' then period_end end) as last_end
    from fast_figures
    group by filename
),
final as (
    select
        r.filename,
        r.doc.release_id,
        coalesce(
            r.is_canonical and f.all_certain
            and regexp_full_match(r.doc.release_id, '[A-Za-z0-9._-]+')
            and r.doc.title is not null
            and p.publisher_id is not null
            and regexp_full_match(r.doc.published_on, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            and r.doc.published_on >= '0001'
            and try_cast(r.doc.published_on as date) <= ?::date
            and r.doc.document is null
            and (r.doc.held_for_review is null or r.doc.held_for_review = '[]')
            and (r.doc.retrieved_at is null
                 or try_cast(r.doc.retrieved_at as timestamptz) is not null)
            and f.figure_count = len(r.doc.figures)
            and f.figure_count between 1 and 10000
            and f.distinct_periods = f.figure_count
            and f.last_start <= try_cast(r.doc.published_on as date)
            and coalesce(f.last_end <= try_cast(r.doc.published_on as date), true),
            false) as certain
    from rebuilt as r
    left join figures as f on f.filename = r.filename
    left join core.publishers as p on p.publisher_id = r.doc.publisher_id
)
select filename, release_id, certain from final
