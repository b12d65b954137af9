-- Builds: payloads (view), every payload archived under warehouse/raw/ and what became of it.
-- Grain: one row per source per distinct payload. Inputs: core.raw_payloads.
create or replace view payloads as
select * from core.raw_payloads
order by first_seen_at desc;

comment on view payloads is
    'Every payload archived unchanged under warehouse/raw/<source_id>/<sha256> (archived_path is relative to warehouse/), with its URL or inbox file name and outcome: loaded, unchanged, rejected (with the reason) or listed (a feed page).';
