-- Builds: core.briefs, every brief a run rendered, with the releases it knew: the next brief
-- says what changed since. Grain: one row per brief. Inputs: the flow, after rendering.
create table if not exists core.briefs (
    generated_at timestamptz primary key,
    as_of date not null,
    pdf_path varchar not null,
    release_ids varchar[] not null,       -- the releases published by as_of that it drew on
    flow_run_id varchar
);
