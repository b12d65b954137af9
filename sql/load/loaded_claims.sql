-- Every loaded release's id and claims hash: a rerun skips files already loaded unparsed.
select release_id, claims_sha256 from core.releases
