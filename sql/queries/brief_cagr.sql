-- The brief's compound growth: at most two lines a metric, as known on a date. One spans the
-- longest run of whole years (the later end on a tie); the other the last five years, ending
-- at the metric's latest whole year, when both of its ends are known and it is not already the
-- longest. Every other pair stays in the cagr view and the brief's cagr.csv. A reported end
-- comes with its own digits (value_as_written). Parameter: $1 as_of (date).
with

cagr as (select * from cagr_as_of(cast($1 as date))),

written as (
    select
        metric_id, year(period_start) as year, value, value_as_written, multiplier_word
    from figures_as_of(cast($1 as date))
    where not is_derived and period_kind = 'year' and value_as_written is not null
),

ranked as (
    select
        *,
        row_number() over (partition by metric_id order by years desc, end_year desc) as span_rank,
        max(end_year) over (partition by metric_id) as last_year
    from cagr
),

picked as (
    select
        * exclude (span_rank, last_year),
        case when span_rank = 1 then 'longest span' else 'last five years' end as span_kind
    from ranked
    where span_rank = 1 or (end_year = last_year and years = 5)
),

final as (
    select
        p.*,
        s.value_as_written as start_value_as_written,
        s.multiplier_word as start_multiplier_word,
        e.value_as_written as end_value_as_written,
        e.multiplier_word as end_multiplier_word
    from picked as p
    left join written as s
        on s.metric_id = p.metric_id and s.year = p.start_year and s.value = p.start_value
    left join written as e
        on e.metric_id = p.metric_id and e.year = p.end_year and e.value = p.end_value
)

select * from final
order by metric_name, years desc
