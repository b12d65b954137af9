-- Builds: span_until(moment, whose), the end of the span that starts at a moment: the next
-- moment of the same row (whose: its key, as a row, e.g. (metric_id, period_kind,
-- period_start, period_end)), or 'infinity' for the last. Grain: n/a (a window function).
-- Inputs: none. Every derived mart lists the moments at which its inputs can change, and a
-- row of the mart holds from one moment until the next (docs/warehouse.md).
create or replace macro span_until(moment, whose) as
    coalesce(lead(moment) over (partition by whose order by moment), date 'infinity');
