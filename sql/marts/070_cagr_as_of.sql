-- Builds: cagr_as_of(as_of_on), compound annual growth between every two annual levels of a
-- metric. Grain: one row per metric per (start year, end year) pair.
-- Inputs: figures_as_of (reported whole calendar years with a value; a derived level is left
-- out, since an implied prior level would only give back the rate it came from).
create or replace macro cagr_computed(as_of_on, from_marts) as table
with

annual as (
    select * from figures_for(as_of_on, from_marts)
    where value > 0 and not is_derived and is_full_year(period_start, period_end)
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
        a.value_lo as start_lo, a.value_hi as start_hi, b.value_lo as end_lo, b.value_hi as end_hi
    from annual as a
    inner join annual as b
        on b.metric_id = a.metric_id and b.period_kind = a.period_kind
        and year(b.period_start) > year(a.period_start)
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
        case when direction is not null
            then (power(end_value / start_value, 1.0 / years) - 1) * 100 end as cagr_pct,
        cmp_compose(direction, is_strict, is_approximate) as cagr_comparator,
        is_approximate,
        is_derived,
        (power(end_lo / start_hi, 1.0 / years) - 1) * 100 as cagr_lo,
        case when start_lo > 0 then (power(end_hi / start_lo, 1.0 / years) - 1) * 100
             else cast('inf' as double) end as cagr_hi
    from pairs
)

select * from final;

comment on macro table cagr_computed is
    'What cagr_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.cagr as select * from cagr_computed(date '9999-12-31', true);

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro cagr_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.cagr where marts_current(as_of_on)
union all by name
select * from cagr_computed((select computed_on from marts_guard), false);

comment on macro table cagr_as_of is
    'Compound annual growth (percent a year) between every two whole-year levels of a metric as known on the date given, with the comparator its inputs allow.';
