-- Builds: scalar macros for carrying qualifiers ("more than", "approximately") through arithmetic.
-- Grain: n/a (functions). Inputs: none.
-- A comparator says how a printed number relates to the truth: '=' exact as printed,
-- '~' approximate, '>'/'>=' a lower bound, '<'/'<=' an upper bound. For positive quantities,
-- a product keeps the direction of its bounded inputs and a quotient flips its denominator's;
-- bounds pointing opposite ways leave no bound at all (NULL).

create or replace macro cmp_direction(c) as
    case when c in ('>', '>=') then 1 when c in ('<', '<=') then -1 when c is null then null else 0 end;

create or replace macro cmp_is_strict(c) as coalesce(c in ('>', '<'), false);

create or replace macro cmp_is_approx(c) as coalesce(c = '~', false);

-- Direction of a product (or, with the second direction negated, a quotient).
create or replace macro dir_combine(d1, d2) as
    case
        when d1 is null or d2 is null then null
        when d1 = 0 then d2
        when d2 = 0 then d1
        when d1 = d2 then d1
        else null
    end;

-- Comparator of a derived value from its direction, strictness and approximation.
-- An approximate bound keeps the bound ('>'); is_approximate travels beside it.
create or replace macro cmp_compose(direction, is_strict, is_approx) as
    case
        when direction is null then null
        when direction = 1 then case when is_strict then '>' else '>=' end
        when direction = -1 then case when is_strict then '<' else '<=' end
        when is_approx then '~'
        else '='
    end;

-- The interval a printed figure allows. Exact figures are good to half a unit of their last
-- digit; approximate ones to that or 5% of the value, whichever is wider; bounds are open-ended
-- (a share's upper end is 1, a count's or amount's lower end is 0).
create or replace macro bound_lo(v, c, halfwidth) as
    case
        when v is null then null
        when c in ('>', '>=') then v
        when c in ('<', '<=') then 0.0
        when c = '~' then v - greatest(coalesce(halfwidth, 0), abs(v) * 0.05)
        else v - coalesce(halfwidth, 0)
    end;

create or replace macro bound_hi(v, c, halfwidth, cap) as
    case
        when v is null then null
        when c in ('>', '>=') then coalesce(cap, cast('inf' as double))
        when c in ('<', '<=') then v
        when c = '~' then v + greatest(coalesce(halfwidth, 0), abs(v) * 0.05)
        else v + coalesce(halfwidth, 0)
    end;

-- The interval of a printed growth rate, in percent (a fall cannot pass -100%).
create or replace macro rate_lo(r, c, halfwidth) as
    case
        when r is null then null
        when c in ('>', '>=') then r
        when c in ('<', '<=') then -100.0
        when c = '~' then r - greatest(coalesce(halfwidth, 0), abs(r) * 0.05)
        else r - coalesce(halfwidth, 0)
    end;

create or replace macro rate_hi(r, c, halfwidth) as
    case
        when r is null then null
        when c in ('>', '>=') then cast('inf' as double)
        when c in ('<', '<=') then r
        when c = '~' then r + greatest(coalesce(halfwidth, 0), abs(r) * 0.05)
        else r + coalesce(halfwidth, 0)
    end;

-- Do two closed intervals share a point?
create or replace macro intervals_overlap(lo1, hi1, lo2, hi2) as lo1 <= hi2 and lo2 <= hi1;
