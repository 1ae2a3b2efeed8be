"""Object storage on disk: the Qobj and the result of each job."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from refserver.store import Store

OBJECT_NAMES = frozenset({"qobj", "result"})
_JOB_ID = re.compile(r"^[0-9a-f]{24}$")
# Objects up to this size live in the database: every Qobj and result of a small job.
INLINE_BYTES = 64 << 10


def private_directory(path: Path) -> None:
    """Create ``path`` (and parents) if needed; only the owner may use it (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def private_file(path: Path) -> None:
    """Create ``path`` if needed; only the owner may read or write it (0600)."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)


class ObjectStore:
    """The Qobj and the result of each job: small ones in the database, large ones in files.

    An object of at most ``inline_bytes`` is a row of the database's ``objects`` table,
    written in one statement; a larger one is a file ``<root>/<job id>/<object>.json``,
    written to a temporary file and renamed, readable by the owner only. A small object
    costs no directory, file or rename (on the event loop, those system calls were a
    tenth of the server's CPU per job), and the database holds a job's record and its
    small objects alike.

    Nothing is fsynced, like the database's commits (``synchronous=NORMAL``): a killed
    process loses nothing (the kernel still writes its page cache out), a power loss may
    lose the objects written in the last seconds before it (see the README's Durability
    section for what that costs a job).

    Args:
        root: directory holding the large objects (created if missing).
        store: the database holding the small ones.
        inline_bytes: the largest object kept in the database.
    """

    def __init__(self, root: Path, store: Store, inline_bytes: int = INLINE_BYTES) -> None:
        self._root = root
        self._root_text = str(root)
        self._store = store
        self._inline = inline_bytes
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
        if len(data) <= self._inline:
            # Readers look in the database first: the new bytes are seen from here on,
            # and a file left by an earlier, larger object is no longer needed.
            self._store.put_object(job_id, name, data)
            path.unlink(missing_ok=True)
            return
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
        # Until now readers saw an earlier small object, if any; from now on, the file.
        self._store.delete_object(job_id, name)

    def inline(self, job_id: str, name: str, data: bytes) -> bool:
        """Whether ``data`` is small enough for the database, so it can be stored along with
        a change of the job's record (``Store.update_job(..., objects=...)``); then call
        :meth:`stored_inline` once it is.

        Raises:
            ValueError: not a job id or an object name of this store.
        """
        if not _JOB_ID.match(job_id) or name not in OBJECT_NAMES:
            raise ValueError(f"invalid object {job_id!r}/{name!r}")
        return len(data) <= self._inline

    def stored_inline(self, job_id: str, name: str) -> None:
        """After a small object was written to the database: drop an earlier, larger one."""
        if not _JOB_ID.match(job_id) or name not in OBJECT_NAMES:
            raise ValueError(f"invalid object {job_id!r}/{name!r}")
        # A string path (no pathlib on the hot path); the job's directory rarely exists.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{self._root_text}/{job_id}/{name}.json")

    def get(self, job_id: str, name: str) -> bytes | None:
        """The object's bytes, or None if it was never stored."""
        try:
            path = self._path(job_id, name)
        except ValueError:
            return None
        data = self._store.get_object(job_id, name)
        if data is not None:
            return data
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def size(self, job_id: str, name: str) -> int | None:
        """The object's size in bytes, or None if it was never stored."""
        try:
            path = self._path(job_id, name)
        except ValueError:
            return None
        size = self._store.object_size(job_id, name)
        if size is not None:
            return size
        try:
            return path.stat().st_size
        except FileNotFoundError:
            return None
