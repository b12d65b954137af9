-- Builds: figures (view), the latest figure of every metric and period, reported or derived.
-- Grain: one row per metric per period. Inputs: marts.figures (the rows known today: known_until is open).
create or replace view figures as
select * exclude (known_from, known_until) from marts.figures where known_until = date 'infinity';

comment on view figures is
    'One row per metric and period: the latest reported vintage, or a derived figure (is_derived) where nothing was reported. value is in base units (2.63 trillion yuan = 2630000000000; a share is a fraction); comparator is =, ~ (approximately), >, >=, <, <=. Use figures_as_of(date) for what was known on a date.';
comment on column figures.comparator is 'How value relates to the truth: = exact as printed, ~ approximately, > or >= a lower bound, < or <= an upper bound.';
comment on column figures.is_approximate is 'True when the figure is approximate (reported with ~, or derived from an approximate input or a rounded rate).';
comment on column figures.quote is 'The verbatim sentence of the release (for a derived figure, how it was derived).';
