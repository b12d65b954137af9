-- Builds: nothing; removes the macros of the previous design (a cache guarded by a fingerprint
-- in every *_as_of macro) from warehouses built before the marts became bitemporal tables.
-- Grain: n/a. Inputs: none.
drop macro table if exists vintages_computed;
drop macro table if exists vintages_for;
drop macro table if exists reported_computed;
drop macro table if exists reported_for;
drop macro table if exists growth_computed;
drop macro table if exists growth_for;
drop macro table if exists ratio_derivations_computed;
drop macro table if exists ratio_derivations_for;
drop macro table if exists derived_computed;
drop macro table if exists derived_for;
drop macro table if exists figures_computed;
drop macro table if exists figures_for;
drop macro table if exists cagr_computed;
drop macro table if exists shares_computed;
drop macro table if exists cross_checks_computed;
drop macro table if exists cross_checks_for;
drop macro table if exists revisions_computed;
drop macro table if exists check_findings_computed;
drop macro if exists as_of_or_never;
drop macro if exists marts_current;
drop macro if exists warehouse_state;
