-- Builds: shares (view), each share beside its numerator and denominator.
-- Grain: one row per share metric per period. Inputs: shares_as_of.
create or replace view shares as
select * from shares_as_of(current_date);

comment on view shares is
    'Shares (fractions) reported or derived, beside numerator and denominator of the same period: e.g. cross-border e-commerce entities among e-commerce entities.';
