"""Object storage on disk: the Qobj and the result of each job."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

OBJECT_NAMES = frozenset({"qobj", "result"})
_JOB_ID = re.compile(r"^[0-9a-f]{24}$")


def private_directory(path: Path) -> None:
    """Create ``path`` (and parents) if needed; only the owner may use it (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def private_file(path: Path) -> None:
    """Create ``path`` if needed; only the owner may read or write it (0600)."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)


class ObjectStore:
    """Files ``<root>/<job id>/<object>.json``, written atomically, readable by the owner only.

    Objects are not fsynced, like the database's commits (``synchronous=NORMAL``): a
    killed process loses nothing (the kernel still writes its page cache out), a power
    loss may lose the objects written in the last seconds before it (see the README's
    Durability section for what that costs a job).

    Args:
        root: directory holding the objects (created if missing).
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        private_directory(root)

    def _path(self, job_id: str, name: str) -> Path:
        # Job ids come from URLs: only our own id format may reach the file system.
        if not _JOB_ID.match(job_id) or name not in OBJECT_NAMES:
            raise ValueError(f"invalid object {job_id!r}/{name!r}")
        return self._root / job_id / (name + ".json")

    def put(self, job_id: str, name: str, data: bytes) -> None:
        """Store an object, replacing any previous one (atomically: readers see the old
        bytes or the new ones); it survives the process being killed once this returns."""
        path = self._path(job_id, name)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        # mkstemp creates the file 0600.
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix="." + name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
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
