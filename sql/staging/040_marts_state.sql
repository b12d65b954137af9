-- Builds: warehouse_state(), marts_current(as_of_on) and as_of_or_never(as_of_on): when the
-- tables in `marts` may stand in for the *_as_of macros. Grain: n/a (functions).
-- Inputs: core.releases, core.observations, core.metrics, core.publishers,
-- core.ratio_definitions, marts.refresh_state.
-- A build computes every mart once, as known with every loaded release, and records the state
-- of the stored claims it saw. A mart answers for a date only while that state is still the
-- warehouse's and no loaded release is published after the date; anything else is computed
-- from the claims, so a table can never answer with stale figures.

-- A fingerprint of everything the marts are computed from (order-independent hashes).
create or replace macro warehouse_state() as
    (select concat_ws('|', count(*), bit_xor(hash(r.release_id, r.publisher_id,
        r.published_on, r.loaded_at))) from core.releases as r)
    || '|' || (select count(*) from core.observations)
    || '|' || (select coalesce(bit_xor(hash(m)), 0) from core.metrics as m)
    || '|' || (select coalesce(bit_xor(hash(p)), 0) from core.publishers as p)
    || '|' || (select coalesce(bit_xor(hash(d)), 0) from core.ratio_definitions as d);

-- May marts.* answer for as_of_on? Only when built from the claims as they are now, and when
-- no loaded release was published after as_of_on (the marts know every loaded release).
create or replace macro marts_current(as_of_on) as
    coalesce((select max(state) from marts.refresh_state) = warehouse_state(), false)
    and cast(as_of_on as date)
        >= (select coalesce(max(published_on), date '0001-01-01') from core.releases);

-- The date a *_computed macro is called with beside the table: as_of_on when the table cannot
-- answer, else a date before any release, so that the computed branch reads nothing. Each
-- argument is used once: the macros nest, and a doubled argument would double at every level.
create or replace macro as_of_or_never(as_of_on) as (
    select case when marts_current(a.d) then date '0001-01-01' else a.d end
    from (select cast(as_of_on as date) as d) as a
);
