-- Builds: marts.cagr, compound annual growth between every two annual levels of a metric, for
-- each span of time in which both levels stood (the intersection of their real-time periods).
-- Grain: one row per metric per (start year, end year) pair per span.
-- Inputs: marts.figures (reported whole calendar years with a value; a derived level is left
-- out, since an implied prior level would only give back the rate it came from).
-- Materialised: marts.cagr, rows replaced by metric_id
create or replace temp view build_cagr as
with

annual as not materialized (
    select * from marts.figures
    where value > 0 and not is_derived and is_full_year(period_start, period_end)
        and metric_id in (select metric_id from build_scope)
),

pairs as (
    select
        a.metric_id,
        a.metric_name,
        a.geography,
        a.unit,
        year(a.period_start) as start_year,
        year(b.period_start) as end_year,
        year(b.period_start) - year(a.period_start) as years,
        a.value as start_value,
        a.comparator as start_comparator,
        b.value as end_value,
        b.comparator as end_comparator,
        a.is_derived or b.is_derived as is_derived,
        dir_combine(cmp_direction(b.comparator), -cmp_direction(a.comparator)) as direction,
        cmp_is_strict(a.comparator) or cmp_is_strict(b.comparator) as is_strict,
        a.is_approximate or b.is_approximate as is_approximate,
        a.value_lo as start_lo, a.value_hi as start_hi, b.value_lo as end_lo, b.value_hi as end_hi,
        greatest(a.known_from, b.known_from) as known_from,
        least(a.known_until, b.known_until) as known_until
    from annual as a
    inner join annual as b
        on b.metric_id = a.metric_id and b.period_kind = a.period_kind
        and year(b.period_start) > year(a.period_start)
        -- a pair is known while both of its levels are
        and greatest(a.known_from, b.known_from) < least(a.known_until, b.known_until)
),

final as (
    select
        metric_id,
        metric_name,
        geography,
        unit,
        start_year,
        end_year,
        years,
        start_value,
        start_comparator,
        end_value,
        end_comparator,
        -- a rate to read: 2 decimals (the interval cagr_lo, cagr_hi stays exact)
        case when direction is not null
            then round((power(end_value / start_value, 1.0 / years) - 1) * 100, 2) end
            as cagr_pct,
        cmp_compose(direction, is_strict, is_approximate) as cagr_comparator,
        is_approximate,
        is_derived,
        (power(end_lo / start_hi, 1.0 / years) - 1) * 100 as cagr_lo,
        case when start_lo > 0 then (power(end_hi / start_lo, 1.0 / years) - 1) * 100
             else cast('inf' as double) end as cagr_hi,
        known_from,
        known_until
    from pairs
)

select * from final;
