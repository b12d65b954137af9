-- Builds: fast_figures (temporary), every figure of the files of fast_releases, with
-- its fields (those of the release model, as fast_parse_releases.sql read them: whatever
-- the model declares, none is listed here but those a rule checks), the columns the warehouse
-- adds, and whether the release model would accept it.
-- Grain: one row per figure per file. Inputs: fast_releases, core.metrics, core.publishers.
-- `certain` is true only where the model's rules surely hold (flows/model/release.py: types,
-- comparators, period shape, value against its written form and multiplier, bounds, known
-- metric, unit and source); false sends the whole file to the model, which words the reason.
create or replace temp table fast_figures as
with figures as (
    select filename, unnest(doc.figures) as f, generate_subscripts(doc.figures, 1) as seq
    from fast_releases
    where doc is not null
),
typed as (
    select
        filename, seq, f,
        case when regexp_full_match(f.period_start, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
             and f.period_start >= '0001' then try_cast(f.period_start as date) end
            as period_start,
        case when regexp_full_match(f.period_end, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
             and f.period_end >= '0001' then try_cast(f.period_end as date) end as period_end,
        case when regexp_full_match(f.attributed_on, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
             and f.attributed_on >= '0001' then try_cast(f.attributed_on as date)
             when regexp_full_match(f.attributed_on, '[0-9]{4}-[0-9]{2}')
             and f.attributed_on >= '0001' then try_cast(f.attributed_on || '-01' as date)
        end as attributed_on,
        -- Numbers as written: no exponent, at most 18 digits before the point and 20 after.
        regexp_full_match(f.value, '-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,20})?') as value_plain,
        regexp_full_match(f.yoy_pct, '-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,20})?') as yoy_plain,
        replace(f.value_as_written, ',', '') as written,
        case f.multiplier
            when 'thousand' then 3 when 'million' then 6 when 'billion' then 9
            when 'trillion' then 12 when '万' then 4 when '亿' then 8 when '万亿' then 12
        end as multiplier_exponent
    from figures
),
numbers as (
    select
        *,
        case when value_plain then try_cast(f.value as decimal(38, 20)) end as value_exact,
        case when yoy_plain then try_cast(f.yoy_pct as decimal(38, 20)) end as yoy_exact,
        regexp_full_match(written, '[0-9]{1,18}(\.[0-9]+)?%?') as written_plain,
        ends_with(written, '%') as percent,
        rtrim(written, '%') as written_digits
    from typed
),
halfwidths as (
    select
        *,
        -- Half a unit of the last digit printed (flows/model/units.py rounding_halfwidth), as a
        -- power of ten: '2.63' → 5e-3, '600,000' → 5e4, '4.9%' → 5e-4.
        case when contains(written_digits, '.')
             then -length(split_part(written_digits, '.', 2)) - 1
             when ltrim(written_digits, '0') = '' then -1
             else length(written_digits) - length(rtrim(written_digits, '0')) - 1
        end - case when percent then 2 else 0 end
            + coalesce(multiplier_exponent, 0) as written_exponent,
        case when contains(f.yoy_pct, '.')
             then -length(split_part(f.yoy_pct, '.', 2)) - 1
             when ltrim(ltrim(f.yoy_pct, '-'), '0') = '' then -1
             else length(f.yoy_pct) - length(rtrim(f.yoy_pct, '0')) - 1
        end as yoy_exponent,
        try_cast(written_digits as double) * 10.0 ** (coalesce(multiplier_exponent, 0)
            - case when percent then 2 else 0 end) as written_value
    from numbers
),
final as (
    select
        h.filename, h.seq,
        -- every field of the figure, those with a type as the warehouse stores them
        unnest(struct_update(h.f, period_start := h.period_start, period_end := h.period_end,
                             attributed_on := h.attributed_on,
                             value := try_cast(h.f.value as double),
                             yoy_pct := try_cast(h.f.yoy_pct as double))),
        case when h.f.value_as_written is not null
             then ('5e' || h.written_exponent)::double end as rounding_halfwidth,
        case when h.f.yoy_pct is not null then ('5e' || h.yoy_exponent)::double end
            as yoy_rounding_halfwidth,
        coalesce(
            h.f.metric_id is not null and h.f.unit is not null
            and h.f.reported_by is not null and h.f.quote is not null
            and h.f.period_kind in ('year', 'half', 'quarter', 'month', 'ytd', 'level')
            and h.period_start is not null and h.period_end is not null
            and (h.f.attributed_on is null or h.attributed_on is not null)
            and (h.f.vintage_status is null
                 or h.f.vintage_status in ('preliminary', 'revised', 'final'))
            and (h.f.comparator is null or h.f.comparator in ('=', '~', '>', '>=', '<', '<='))
            and (h.f.yoy_comparator is null
                 or h.f.yoy_comparator in ('=', '~', '>', '>=', '<', '<='))
            -- a value comes with its written form and a comparator; a change with its own
            and (h.f.value is not null or h.f.yoy_pct is not null)
            and (h.f.value is null) = (h.f.value_as_written is null)
            and (h.f.value is null) = (h.f.comparator is null)
            and (h.f.yoy_pct is null) = (h.f.yoy_comparator is null)
            and (h.f.multiplier is null or h.multiplier_exponent is not null)
            and (h.f.value is null or (
                h.value_exact is not null and h.value_exact >= 0
                and length(h.f.value_as_written) <= 64 and h.written_plain
                and (h.f.unit <> 'share' or h.value_exact <= 1)
                -- the model's check is exact: |written − value| ≤ |value| × 1e-12; half of
                -- that in doubles is surely within it
                and (h.value_exact = 0 and h.written_value = 0
                     or abs(h.written_value - try_cast(h.f.value as double))
                        <= abs(try_cast(h.f.value as double)) * 5e-13)))
            and (h.f.yoy_pct is null or (
                h.yoy_exact is not null and h.yoy_exact > -100 and h.yoy_exact <= 100000))
            and h.period_end >= h.period_start
            and case h.f.period_kind
                when 'level' then true
                when 'year' then h.period_start = make_date(year(h.period_start), 1, 1)
                    and h.period_end = make_date(year(h.period_start), 12, 31)
                when 'month' then day(h.period_start) = 1
                    and h.period_end = last_day(h.period_start)
                else day(h.period_start) = 1 and h.period_end = last_day(h.period_end)
                    and year(h.period_end) = year(h.period_start)
                    and case h.f.period_kind
                        when 'ytd' then month(h.period_start) = 1
                        when 'half' then month(h.period_start) in (1, 7)
                            and month(h.period_end) - month(h.period_start) = 5
                        when 'quarter' then month(h.period_start) in (1, 4, 7, 10)
                            and month(h.period_end) - month(h.period_start) = 2
                    end
            end
            and m.unit = h.f.unit
            and p.publisher_id is not null,
            false) as certain
    from halfwidths as h
    left join core.metrics as m on m.metric_id = h.f.metric_id
    left join core.publishers as p on p.publisher_id = h.f.reported_by
)
select * from final
