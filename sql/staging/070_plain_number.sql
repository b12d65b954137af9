-- Builds: scalar macros that word a number as a person reads it, as the brief does
-- (flows/brief/formatting.py, which these mirror digit for digit: tests/unit/test_plain_number.py):
-- plain_figure(value, unit, comparator, is_approximate) 'about 1.722 trillion yuan',
-- plain_rate(pct, comparator, is_approximate, decimals) '+17.16%',
-- plain_interval(lo, hi, unit) '14.5% to 15.5%', '1 million entities or more',
-- plain_written(as_written, multiplier, unit) a reported value in its own digits,
-- plain_claim(…) either, as a side of a cross-claim comparison.
-- Grain: n/a (functions). Inputs: none.
-- A derived number shows at most 4 significant digits (a rate also at most 2 decimals, a share
-- 3 digits of its percentage); a reported one keeps its digits; nothing is ever printed in
-- e-notation or as 'inf'. Rounding is DuckDB's round(): the exact binary value, half away
-- from zero.
--
-- A macro's parameter is pasted wherever the body names it, so macros that call macros would
-- multiply their arguments (a finding's message took seconds to bind). A macro that needs a
-- computed value several times binds it once: list_transform([{…}], lambda a: …)[1] evaluates
-- the struct once and names it a. Lambdas are not nested inside one macro: DuckDB binds a
-- nested lambda's body again for each level.

-- Decimal places that keep `significant` digits of x (negative: tens, hundreds, …), at most
-- max_decimals (NULL: no limit).
create or replace macro plain_places(x, significant, max_decimals) as
    least(significant - 1 - cast(floor(log10(abs(x))) as integer), coalesce(max_decimals, 1000));

-- Trailing zeros after the point dropped, and the point with them: '10.500' → '10.5'.
create or replace macro plain_strip(t) as
    case when contains(t, '.') then rtrim(rtrim(t, '0'), '.') else t end;

-- x rounded to `significant` digits (and at most max_decimals decimals), written out in full
-- with thousands separators and a typeset minus (U+2212): 118452.1 → '118,500'; 0.00123 →
-- '0.00123'. Trailing zeros after the point are dropped unless keep_zeros. The places shown are
-- those of the rounded value: 99.996 to 4 digits is '100.0', not '100.00'.
create or replace macro plain_digits(x, significant, max_decimals, keep_zeros) as
    list_transform(
        [{'r': case when x = 0 then 0.0
                    else round(cast(x as double), plain_places(x, significant, max_decimals)) end,
          's': cast(significant as integer), 'm': cast(max_decimals as integer),
          'k': coalesce(cast(keep_zeros as boolean), false)}],
        lambda a: case
            when a.r = 0 then format('{:.' || case when a.k then coalesce(a.m, 0) else 0 end
                                     || 'f}', 0.0)
            when a.k then replace(
                format('{:,.' || greatest(plain_places(a.r, a.s, a.m), 0) || 'f}', a.r), '-', '−')
            else replace(plain_strip(
                format('{:,.' || greatest(plain_places(a.r, a.s, a.m), 0) || 'f}', a.r)), '-', '−')
        end)[1];

-- A number with a scale word from a million up: '1.722 trillion', '118,500'.
create or replace macro plain_scaled(x, significant) as
    list_transform(
        [{'r': case when x = 0 then 0.0
                    else round(cast(x as double), plain_places(x, significant, null)) end,
          's': cast(significant as integer)}],
        lambda a: plain_digits(
            a.r / case when abs(a.r) >= 1e12 then 1e12 when abs(a.r) >= 1e9 then 1e9
                       when abs(a.r) >= 1e6 then 1e6 else 1.0 end, a.s, null, false)
            || case when abs(a.r) >= 1e12 then ' trillion' when abs(a.r) >= 1e9 then ' billion'
                    when abs(a.r) >= 1e6 then ' million' else '' end)[1];

-- A computed value, rounded for reading: '2.374 trillion yuan', '26.7%' (a share), '17.16%'
-- (a rate in percent).
create or replace macro plain_number(value, unit) as
    list_transform([{'v': cast(value as double), 'u': cast(unit as varchar)}], lambda a: case
        when a.v is null then null
        when a.u in ('share', 'percent') then plain_digits(
            a.v * case when a.u = 'share' then 100 else 1 end,
            case when a.u = 'share' then 3 else 4 end,
            case when a.u = 'percent' then 2 end, false) || '%'
        else plain_scaled(a.v, 4) || ' ' || a.u
    end)[1];

-- Words for a comparator (docs/methodology.md, "Reading a figure"): exact bounds read 'more
-- than', 'at least', 'less than', 'at most'; a bound of an approximate figure 'at least about'
-- or 'under roughly'; an approximate figure 'about'.
create or replace macro plain_qualifier(comparator, is_approximate) as
    list_transform([{'c': cast(comparator as varchar),
                     'a': coalesce(cast(is_approximate as boolean), false)}], lambda q: case
        when q.c is null or q.c = '=' then ''
        when q.c = '~' then 'about'
        when q.a and q.c in ('>', '>=') then 'at least about'
        when q.a and q.c in ('<', '<=') then 'under roughly'
        when q.c = '>' then 'more than'
        when q.c = '>=' then 'at least'
        when q.c = '<' then 'less than'
        when q.c = '<=' then 'at most'
    end)[1];

-- The qualifier's words before a number, when there are any.
create or replace macro plain_qualified(words, body) as
    list_transform([{'w': cast(words as varchar), 'b': cast(body as varchar)}],
                   lambda q: case when q.w = '' then q.b else q.w || ' ' || q.b end)[1];

-- A derived figure with its qualifier: 'about 1.722 trillion yuan', 'at least about 200,000
-- entities'.
create or replace macro plain_figure(value, unit, comparator, is_approximate) as
    coalesce(plain_qualified(plain_qualifier(comparator, is_approximate),
                             plain_number(value, unit)), '—');

-- A rate's digits with their sign: '+10.8', '−3.9'.
create or replace macro plain_signed(digits) as
    list_transform([digits], lambda d: case when starts_with(d, '−') then d else '+' || d end)[1];

-- A growth rate with sign and qualifier. decimals NULL: a reported rate, in its own digits
-- ('+48.33%'); otherwise a computed one, that many decimals but at most 4 significant digits
-- ('+17.16%', '+131.6%').
create or replace macro plain_rate(pct, comparator, is_approximate, decimals) as
    list_transform([{'p': cast(pct as double), 'd': cast(decimals as integer)}], lambda a: case
        when a.p is null or isinf(a.p) or isnan(a.p) then '—'
        else plain_qualified(
            plain_qualifier(comparator, is_approximate),
            plain_signed(case when a.d is null then plain_digits(a.p, 15, null, false)
                              else plain_digits(a.p, 4, a.d, true) end) || '%')
    end)[1];

-- The digits an interval's ends need: 4, or more when the interval is narrower than 4 digits
-- can show (2.63 trillion ± 0.005 trillion), so that rounding moves neither end by more than a
-- tenth of its width. log10 of the width is rounded first: log10(0.01) is -1.9999999999999996.
create or replace macro plain_interval_digits(lo, hi) as
    list_transform([{'lo': cast(lo as double), 'hi': cast(hi as double)}], lambda a: case
        when isinf(a.lo) or isinf(a.hi) or greatest(abs(a.lo), abs(a.hi)) = 0 or a.hi <= a.lo
            then 4
        else least(greatest(4, cast(ceil(round(
            floor(log10(greatest(abs(a.lo), abs(a.hi)))) - log10(a.hi - a.lo) + 2, 6)) as integer)),
            15)
    end)[1];

-- One end of an interval, without the unit of a count or an amount.
create or replace macro plain_interval_end(x, unit, significant) as
    case
        when unit in ('share', 'percent') then plain_digits(
            x * case when unit = 'share' then 100 else 1 end, significant, null, false) || '%'
        else plain_scaled(x, significant)
    end;

-- The interval a claim allows: '1.71 trillion to 1.734 trillion yuan', '14.5% to 15.5%'; an open
-- one '1 million entities or more'.
create or replace macro plain_interval(lo, hi, unit) as
    list_transform(
        [{'lo': cast(lo as double), 'hi': cast(hi as double), 'u': cast(unit as varchar),
          'd': plain_interval_digits(lo, hi),
          'suffix': case when unit in ('share', 'percent') then '' else ' ' || unit end}],
        lambda a: case
            when isinf(a.lo) and isinf(a.hi) then 'any value'
            when isinf(a.lo) or isinf(a.hi) then
                plain_interval_end(case when isinf(a.hi) then a.lo else a.hi end, a.u, 4)
                || a.suffix || case when isinf(a.hi) then ' or more' else ' or less' end
            else plain_interval_end(a.lo, a.u, a.d) || ' to '
                || plain_interval_end(a.hi, a.u, a.d) || a.suffix
        end)[1];

create or replace macro plain_fraction_words(w) as
    case w when '1/2' then 'one-half' when '1/3' then 'one-third' when '2/3' then 'two-thirds'
           when '1/4' then 'one-quarter' when '3/4' then 'three-quarters' else w end;

-- A number as written, without its thousands separators, as a double.
create or replace macro plain_parse(w) as cast(replace(trim(w), ',', '') as double);

-- A reported value exactly as printed: '2.63 trillion yuan'; a Chinese multiplier restated in
-- English with the original after ('1.05 million entities (105万)'); a share as a percentage
-- ('one-third (33.3%)', '4.9%').
create or replace macro plain_written(as_written, multiplier, unit) as
    list_transform([{'w': cast(as_written as varchar), 'm': cast(multiplier as varchar),
                     'u': cast(unit as varchar)}], lambda a: case
        when a.w is null then null
        when a.u = 'share' and (ends_with(rtrim(a.w), '%') or ends_with(rtrim(a.w), '％'))
            then trim(a.w)
        when a.u = 'share' then
            case when contains(a.w, '/') then plain_fraction_words(a.w) || ' (' else '' end
            || plain_digits(
                case when contains(a.w, '/')
                     then plain_parse(split_part(a.w, '/', 1))
                          / plain_parse(split_part(a.w, '/', 2))
                     else plain_parse(a.w) end * 100,
                case when contains(a.w, '/') then 3 else 15 end, null, false)
            || case when contains(a.w, '/') then '%)' else '%' end
        when a.m in ('万', '亿', '万亿') then
            plain_scaled(plain_parse(a.w)
                         * case a.m when '万' then 1e4 when '亿' then 1e8 else 1e12 end, 15)
            || ' ' || a.u || ' (' || a.w || a.m || ')'
        else concat_ws(' ', a.w, a.m, a.u)
    end)[1];

-- One side of a comparison (marts.cross_checks), as the brief words it: a reported value in its
-- own digits with its qualifier, a reported rate as printed, a computed rate to 2 decimals, a
-- derived figure to 4 significant digits.
create or replace macro plain_claim(value, unit, comparator, is_approximate, is_derived,
                                    as_written, multiplier) as
    case
        when as_written is not null then plain_qualified(
            plain_qualifier(comparator, is_approximate),
            plain_written(as_written, multiplier, unit))
        when unit = 'percent' then plain_rate(
            value, comparator, is_approximate, case when is_derived then 2 end)
        else plain_figure(value, unit, comparator, is_approximate)
    end;
