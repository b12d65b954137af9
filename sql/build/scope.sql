-- Builds: temp tables build_inputs (each metric's fingerprint now) and build_scope, the
-- metrics this build recomputes: those whose stored claims (observations, their releases'
-- dates and load order) changed since the last build, plus every
-- metric tied to one of them through core.ratio_definitions, transitively (a ratio's three
-- terms are derived from one another). Grain: one row per metric.
-- Inputs: core.observations, core.releases, core.ratio_definitions, marts.metric_state. (A
-- change to a metric's definition rebuilds everything: sql/build/reference_state.sql.)
create or replace temp table build_inputs as
with

observations as (select * from core.observations),

releases as (select release_id, publisher_id, published_on, loaded_at from core.releases),

final as (
    select
        o.metric_id,
        count(*) as observation_count,
        bit_xor(hash(o, r.publisher_id, r.published_on, r.loaded_at)) as fingerprint
    from observations as o
    inner join releases as r using (release_id)
    group by o.metric_id
)

select * from final;

create or replace temp table build_scope as
with recursive

previous as (select * from marts.metric_state),

changed as (
    select coalesce(n.metric_id, p.metric_id) as metric_id
    from build_inputs as n
    full outer join previous as p using (metric_id)
    where n.fingerprint is distinct from p.fingerprint
        or n.observation_count is distinct from p.observation_count
),

terms as (
    select [ratio_metric_id, numerator_metric_id, denominator_metric_id] as metric_ids
    from core.ratio_definitions
),

ties as (
    select distinct a.metric_id as metric_id, b.metric_id as tied_metric_id
    from terms
    cross join unnest(terms.metric_ids) as a(metric_id)
    cross join unnest(terms.metric_ids) as b(metric_id)
),

reached(metric_id) as (
    select metric_id from changed
    union
    select t.tied_metric_id from reached as r inner join ties as t using (metric_id)
),

final as (select distinct metric_id from reached)

select * from final;
