-- Shares with their numerators and denominators as known on a date; a reported share,
-- numerator or denominator with its own digits (value_as_written). Parameter: $1 as_of (date).
with

shares as (select * from shares_as_of(cast($1 as date))),

written as (
    select metric_id, period_start, period_end, value, value_as_written, multiplier_word
    from figures_as_of(cast($1 as date))
    where not is_derived and value_as_written is not null
),

final as (
    select
        s.*,
        r.value_as_written as share_value_as_written,
        n.value_as_written as numerator_value_as_written,
        n.multiplier_word as numerator_multiplier_word,
        d.value_as_written as denominator_value_as_written,
        d.multiplier_word as denominator_multiplier_word
    from shares as s
    left join written as r
        on r.metric_id = s.share_metric_id and r.period_start = s.period_start
        and r.period_end = s.period_end and r.value = s.share and not s.share_is_derived
    left join written as n
        on n.metric_id = s.numerator_metric_id and n.period_start = s.period_start
        and n.period_end = s.period_end and n.value = s.numerator_value
        and not s.numerator_is_derived
    left join written as d
        on d.metric_id = s.denominator_metric_id and d.period_start = s.period_start
        and d.period_end = s.period_end and d.value = s.denominator_value
        and not s.denominator_is_derived
)

select * from final
order by share_name, period_end desc
