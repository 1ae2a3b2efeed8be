"""Object storage on disk: the Qobj and the result of each job."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

OBJECT_NAMES = frozenset({"qobj", "result"})
_JOB_ID = re.compile(r"^[0-9a-f]{24}$")


class ObjectStore:
    """Files ``<root>/<job id>/<object>.json``, written atomically.

    Args:
        root: directory holding the objects (created if missing).
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._root.mkdir(parents=True, exist_ok=True)

    def _path(self, job_id: str, name: str) -> Path:
        # Job ids come from URLs: only our own id format may reach the file system.
        if not _JOB_ID.match(job_id) or name not in OBJECT_NAMES:
            raise ValueError(f"invalid object {job_id!r}/{name!r}")
        return self._root / job_id / (name + ".json")

    def put(self, job_id: str, name: str, data: bytes) -> None:
        """Store an object, replacing any previous one; durable when this returns."""
        path = self._path(job_id, name)
        path.parent.mkdir(exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix="." + name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, job_id: str, name: str) -> bytes | None:
        """The object's bytes, or None if it was never stored."""
        try:
            return self._path(job_id, name).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def size(self, job_id: str, name: str) -> int | None:
        """The object's size in bytes, or None if it was never stored."""
        try:
            return self._path(job_id, name).stat().st_size
        except (FileNotFoundError, ValueError):
            return None
