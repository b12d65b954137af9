"""The raw archive: every payload kept unchanged under raw/<source>/<sha256>, never overwritten."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flows.disk import disk_full_names
from flows.model.release_files import sha256_of

_SAFE_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@dataclass(frozen=True)
class ArchivedPayload:
    """Where a payload sits in the archive, and whether this call put it there."""

    sha256: str
    path: Path
    is_new: bool

    def relative_to(self, warehouse_dir: Path) -> str:
        """The archive path relative to warehouse/, as stored in the database."""
        try:
            return str(self.path.resolve().relative_to(warehouse_dir.resolve()))
        except ValueError:
            return str(self.path)


def archive_payload(raw_dir: Path, source_id: str, body: bytes) -> ArchivedPayload:
    """Write a payload to raw/<source>/<sha256> unless it is already there; return where."""
    if not _SAFE_SOURCE.match(source_id):
        raise ValueError(f"source id {source_id!r} cannot name an archive folder")
    sha = sha256_of(body)
    folder = raw_dir / source_id
    target = folder / sha
    if target.exists():
        return ArchivedPayload(sha, target, is_new=False)
    folder.mkdir(parents=True, exist_ok=True)
    # Write beside, fsync, then rename: a crash never leaves a partial file under a real hash.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        with disk_full_names(target), os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ArchivedPayload(sha, target, is_new=True)
