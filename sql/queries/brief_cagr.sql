-- The brief's compound growth: at most two lines a metric, as known on a date. One spans the
-- longest run of whole years (the later end on a tie); the other the last five years, ending
-- at the metric's latest whole year, when both of its ends are known and it is not already the
-- longest. Every other pair stays in the cagr view and the brief's cagr.csv.
-- Parameter: as_of (date).
with

cagr as (select * from cagr_as_of(cast(? as date))),

ranked as (
    select
        *,
        row_number() over (partition by metric_id order by years desc, end_year desc) as span_rank,
        max(end_year) over (partition by metric_id) as last_year
    from cagr
),

final as (
    select
        * exclude (span_rank, last_year),
        case when span_rank = 1 then 'longest span' else 'last five years' end as span_kind
    from ranked
    where span_rank = 1 or (end_year = last_year and years = 5)
)

select * from final
order by metric_name, years desc
