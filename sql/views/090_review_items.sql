-- Builds: unmatched_figures (view), numbers read from releases that no lexicon term mapped to a
-- metric, kept for review. Grain: one row per unmatched figure per release.
-- Inputs: core.unmatched_figures, core.releases.
create or replace view unmatched_figures as
with

unmatched as (select * from core.unmatched_figures),

releases as (select release_id, publisher_id, published_on, url from core.releases),

final as (
    select
        u.release_id,
        r.publisher_id,
        r.published_on,
        r.url,
        u.seq,
        u.reason,
        u.period_kind,
        u.period_start,
        u.period_end,
        u.period_text,
        u.value,
        u.value_as_written,
        u.multiplier_word,
        u.unit,
        u.comparator,
        u.qualifier_text,
        u.yoy_pct,
        u.yoy_text,
        u.quote,
        u.quote_start,
        u.quote_end
    from unmatched as u
    inner join releases as r using (release_id)
)

select * from final;

comment on view unmatched_figures is
    'Numbers the extractor found in a release but could not map to a metric or a valid period, with the reason and the verbatim sentence: add a phrase to the lexicon (warehouse/lexicons/) and re-run to map them.';
