-- Builds: core.review_decisions, every decision a reviewer took on a held number: accepted
-- (it became the observation named here, with the reviewer's metric and period) or rejected
-- (with the reason). Decisions are only ever added.
-- Grain: one row per decision. Inputs: `barometer review accept|reject`.
create sequence if not exists core.review_decision_seq start 1;

create table if not exists core.review_decisions (
    decision_id bigint primary key default nextval('core.review_decision_seq'),
    review_id bigint not null unique,     -- an item is settled once
    decision varchar not null check (decision in ('accepted', 'rejected')),
    decided_at timestamp not null,
    reviewer varchar not null,
    note varchar not null,                -- the reviewer's note or the reason for rejecting
    release_id varchar,                   -- the observation an acceptance loaded
    observation_seq integer,
    check ((decision = 'accepted') = (observation_seq is not null))
);
