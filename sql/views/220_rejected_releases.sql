-- Builds: rejected_releases (view), every release the loader refused, newest first.
-- Grain: one row per refusal. Inputs: core.rejected_releases.
create or replace view rejected_releases as
select * from core.rejected_releases
order by rejected_at desc;

comment on view rejected_releases is
    'Every release refused by the loader, with the reason and the SHA-256 of the refused file; the payload stays archived.';
