-- What became of a payload already seen (parameters: source_id, sha256).
select outcome, release_ids, reason, archived_path from core.raw_payloads
where source_id = ? and sha256 = ?
