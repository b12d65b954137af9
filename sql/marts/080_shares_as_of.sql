-- Builds: shares_as_of(as_of_on), each share beside its numerator and denominator.
-- Grain: one row per share metric per period where the share is known (reported or derived).
-- Inputs: core.ratio_definitions, figures_as_of.
create or replace macro shares_computed(as_of_on, from_marts) as table
with

definitions as (select * from core.ratio_definitions),

figures as (select * from figures_for(as_of_on, from_marts) where value is not null),

final as (
    select
        s.metric_id as share_metric_id,
        s.metric_name as share_name,
        s.geography,
        s.period_kind,
        s.period_start,
        s.period_end,
        s.period_label,
        s.value as share,
        s.comparator as share_comparator,
        s.is_approximate as share_is_approximate,
        s.is_derived as share_is_derived,
        d.numerator_metric_id,
        n.value as numerator_value,
        n.comparator as numerator_comparator,
        n.unit as numerator_unit,
        n.is_approximate as numerator_is_approximate,
        n.is_derived as numerator_is_derived,
        d.denominator_metric_id,
        den.value as denominator_value,
        den.comparator as denominator_comparator,
        den.unit as denominator_unit,
        den.is_approximate as denominator_is_approximate,
        den.is_derived as denominator_is_derived
    from definitions as d
    inner join figures as s on s.metric_id = d.ratio_metric_id
    left join figures as n
        on n.metric_id = d.numerator_metric_id and n.period_kind = s.period_kind
        and n.period_start = s.period_start and n.period_end = s.period_end
    left join figures as den
        on den.metric_id = d.denominator_metric_id and den.period_kind = s.period_kind
        and den.period_start = s.period_start and den.period_end = s.period_end
)

select * from final;

comment on macro table shares_computed is
    'What shares_as_of returns, computed from the stored claims (from_marts: from the marts tables this build already made).';

-- The build materialises it as known with every loaded release, from the marts built before it.
create or replace table marts.shares as select * from shares_computed(date '9999-12-31', true);

-- The table answers while it is current for the date asked (sql/staging/040_marts_state.sql);
-- otherwise the computed branch runs on as_of_on, and on no release at all when the table answers.
create or replace macro shares_as_of(as_of_on) as table
with marts_guard as materialized (select as_of_or_never(as_of_on) as computed_on)
select * from marts.shares where marts_current(as_of_on)
union all by name
select * from shares_computed((select computed_on from marts_guard), false);

comment on macro table shares_as_of is
    'Every share (a fraction: one-third is 0.333…) as known on the date given, reported or derived, beside its numerator and denominator for the same period.';
