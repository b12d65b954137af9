-- Figures read from releases published by a date that no lexicon term mapped, newest first.
-- Parameter: as_of (date).
select release_id, published_on, reason, value_as_written, multiplier_word, unit, yoy_pct,
    period_text, quote
from unmatched_figures
where published_on <= cast(? as date)
order by published_on desc, release_id, seq
