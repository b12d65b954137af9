-- Builds: stg_ratio_terms (view), each ratio's three terms, one row per term: the metrics whose
-- figures a ratio derivation or a share is computed from.
-- Grain: one row per ratio definition per term. Inputs: core.ratio_definitions.
create or replace view stg_ratio_terms as
select
    ratio_metric_id,
    numerator_metric_id,
    denominator_metric_id,
    unnest([ratio_metric_id, numerator_metric_id, denominator_metric_id]) as term_metric_id
from core.ratio_definitions;
