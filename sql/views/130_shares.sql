-- Builds: shares (view), each share beside its numerator and denominator.
-- Grain: one row per share metric per period. Inputs: marts.shares (the rows known today: known_until is open).
create or replace view shares as
select * exclude (known_from, known_until) from marts.shares where known_until = date 'infinity';

comment on view shares is
    'Shares (fractions) reported or derived, beside numerator and denominator of the same period: e.g. cross-border e-commerce entities among e-commerce entities.';
