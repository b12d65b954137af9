-- Builds: marts.revisions, every time a release changed a figure already reported: a new value,
-- qualifier or growth rate for the same metric and period, known from the day the revising
-- release was published.
-- Grain: one row per vintage that differs from the vintage before it. Inputs: marts.vintages.
-- Materialised: marts.revisions, rows replaced by metric_id
create or replace temp view build_revisions as
with

vintages as not materialized (
    select * from marts.vintages
    where vintage_number > 1 and metric_id in (select metric_id from build_scope)
),

changed as (
    select
        *,
        value is distinct from previous_value
            and value is not null and previous_value is not null as is_value_revised,
        comparator is distinct from previous_comparator
            and value is not null and previous_value is not null as is_qualifier_revised,
        yoy_pct is distinct from previous_yoy_pct
            and yoy_pct is not null and previous_yoy_pct is not null as is_rate_revised
    from vintages
),

final as (
    select
        metric_id,
        metric_name,
        geography,
        period_kind,
        period_start,
        period_end,
        period_label,
        unit,
        previous_value as old_value,
        previous_comparator as old_comparator,
        previous_value_as_written as old_value_as_written,
        previous_multiplier_word as old_multiplier_word,
        previous_yoy_pct as old_yoy_pct,
        previous_yoy_comparator as old_yoy_comparator,
        previous_vintage_status as old_vintage_status,
        previous_release_id as old_release_id,
        previous_reported_by as old_reported_by,
        previous_published_on as old_published_on,
        value as new_value,
        comparator as new_comparator,
        value_as_written as new_value_as_written,
        multiplier_word as new_multiplier_word,
        yoy_pct as new_yoy_pct,
        yoy_comparator as new_yoy_comparator,
        vintage_status as new_vintage_status,
        release_id as new_release_id,
        reported_by as new_reported_by,
        published_on as new_published_on,
        -- a change between a bound and an exact figure is not a measurable revision
        -- changes to read, 2 decimals: 15.6 - 18.3 is -2.7, not -2.700000000000001
        case when is_value_revised and not is_qualifier_revised and previous_value <> 0
            then round((value - previous_value) / previous_value * 100, 2) end
            as value_change_pct,
        case when is_rate_revised then round(yoy_pct - previous_yoy_pct, 2) end as yoy_change_pp,
        is_value_revised,
        is_qualifier_revised,
        is_rate_revised,
        vintage_number,
        -- both vintages stay known once published: the revision is known from then on
        known_from,
        date 'infinity' as known_until
    from changed
    where is_value_revised or is_qualifier_revised or is_rate_revised
)

select * from final;
