-- The reference data every metric's marts read (publishers' and metrics' definitions, ratio
-- definitions): a change to it rebuilds every mart. Order-independent hashes; one row.
select
    (select coalesce(bit_xor(hash(p)), 0) from core.publishers as p)::varchar
    || '|' || (select coalesce(bit_xor(hash(m)), 0) from core.metrics as m)::varchar
    || '|' || (select coalesce(bit_xor(hash(d)), 0) from core.ratio_definitions as d)::varchar
    as reference_state
