-- Builds: scalar macros for periods: a reader's label and the same period a year earlier.
-- Grain: n/a (functions). Inputs: none.

create or replace macro is_full_year(period_start, period_end) as
    period_start = make_date(year(period_start), 1, 1)
    and period_end = make_date(year(period_start), 12, 31);

-- The same day a year earlier; a month-end stays a month-end (29 Feb 2024 → 28 Feb 2023,
-- 28 Feb 2025 → 29 Feb 2024), so a level as of a month-end follows the previous month-end.
create or replace macro prior_year_end(d) as
    case
        when d = last_day(d) then last_day(cast(d - interval 1 year as date))
        else cast(d - interval 1 year as date)
    end;

-- Starts shift like ends, so a one-day period stays one day.
create or replace macro prior_year_start(d) as prior_year_end(d);

create or replace macro period_label(kind, period_start, period_end) as
    case
        when kind = 'year' then cast(year(period_start) as varchar)
        when kind = 'half' then 'H' || cast(case when month(period_start) = 1 then 1 else 2 end as varchar)
            || ' ' || cast(year(period_start) as varchar)
        when kind = 'quarter' then 'Q' || cast(quarter(period_start) as varchar)
            || ' ' || cast(year(period_start) as varchar)
        when kind = 'month' then strftime(period_start, '%b %Y')
        when kind = 'ytd' and month(period_end) = 1 then strftime(period_end, '%b %Y')
        when kind = 'ytd' then strftime(period_start, '%b') || '–' || strftime(period_end, '%b %Y')
        when is_full_year(period_start, period_end) then cast(year(period_start) as varchar)
        when period_start = period_end then 'as of ' || strftime(period_start, '%-d %b %Y')
        when period_start = date_trunc('month', period_start) and period_end = last_day(period_start)
            then 'as of ' || strftime(period_start, '%b %Y')
        else strftime(period_start, '%-d %b %Y') || '–' || strftime(period_end, '%-d %b %Y')
    end;
