-- Records a refused release (parameters: source_path, release_id, content_sha256, reason).
insert into core.rejected_releases (source_path, release_id, content_sha256, reason)
values (?, ?, ?, ?)
