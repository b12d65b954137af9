-- The stored hashes of one release (parameter: release_id), to tell a rerun from a conflict.
select content_sha256, claims_sha256 from core.releases where release_id = ?
