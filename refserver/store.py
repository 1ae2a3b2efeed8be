"""Durable state in SQLite: jobs, access tokens, calibrations and server metadata.

A job is one row: a few indexed columns plus the whole :class:`JobRecord` as
JSON. Every change goes through :meth:`Store.update_job`, a read-modify-write under
one lock, so concurrent requests and workers never lose an update.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refserver import statuses
from refserver.timeutil import parse_instant, to_millis

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS access_tokens (
    token TEXT PRIMARY KEY, user_id TEXT NOT NULL, created TEXT NOT NULL, ttl INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, hub TEXT NOT NULL, grp TEXT NOT NULL,
    project TEXT NOT NULL, backend TEXT NOT NULL, status TEXT NOT NULL,
    creation_date TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL,
    creation_ms INTEGER);
-- One index by status serves the job limit (a project's active jobs on a backend), the
-- jobs to resume on start and the orphans to expire: every status change rewrites its
-- entry, once (two indexes holding the status took two more pages per change).
DROP INDEX IF EXISTS jobs_project;
DROP INDEX IF EXISTS jobs_status;
CREATE INDEX IF NOT EXISTS jobs_by_status
    ON jobs (status, hub, grp, project, backend, creation_date);
CREATE TABLE IF NOT EXISTS calibrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, backend TEXT NOT NULL,
    last_update_ms INTEGER NOT NULL, properties TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS calibrations_backend ON calibrations (backend, last_update_ms);
CREATE TABLE IF NOT EXISTS objects (
    job_id TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (job_id, name));
"""
# Created after the migration that adds ``creation_ms`` to databases of older servers.
# It serves the listings: one user's jobs in a project, by creation instant then id.
_LISTING_INDEX = """
CREATE INDEX IF NOT EXISTS jobs_listing
    ON jobs (user_id, hub, grp, project, deleted, creation_ms, id);
"""


@dataclass
class JobRecord:
    """Everything the server knows about a job."""

    id: str
    user_id: str
    hub: str
    group: str
    project: str
    backend: str
    status: str
    creation_date: str
    name: str | None = None
    tags: list[str] = field(default_factory=list)
    experiment_tag: str | None = None
    live_data_enabled: bool | None = None
    allow_object_storage: bool = True
    client_info: dict[str, str] | None = None
    time_per_step: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    end_date: str | None = None
    qobj_uploaded: bool = False
    data_uploaded: bool = False
    result_stored: bool = False
    result_downloaded: bool = False
    calibration_id: int | None = None
    queue_seq: int | None = None
    shots: int | None = None
    deleted: bool = False

    def to_json(self) -> str:
        """Serialise the record."""
        # The fields are JSON values already: no deep copy (dataclasses.asdict) needed.
        return json.dumps(self.__dict__, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> JobRecord:
        """Deserialise a record written by :meth:`to_json` (unknown keys ignored)."""
        data = json.loads(text)
        names = _RECORD_FIELDS
        if len(data) == len(names) and data.keys() <= names:
            # Every field, as to_json writes them: the values are set as they are, without
            # the generated __init__ (a tenth of the time for these 27 fields).
            record = object.__new__(cls)
            record.__dict__.update(data)
            return record
        if data.keys() <= names:
            return cls(**data)
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def is_final(self) -> bool:
        """Whether the job is in a final status."""
        return statuses.is_final(self.status)


_RECORD_FIELDS = frozenset(f.name for f in dataclasses.fields(JobRecord))


@dataclass(frozen=True)
class AccessTokenRow:
    """A stored access token."""

    token: str
    user_id: str
    created: str
    ttl: int


class Store:
    """The SQLite database of one server.

    Args:
        path: database file (created if missing).
    """

    def __init__(self, path: Path, lock_timeout: float = 5.0) -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=lock_timeout
        )
        try:
            # This process alone uses the database: its locks are taken once rather than
            # with system calls around every statement (about 70 per job), and the WAL index
            # lives in memory, not in a shared -shm file. A second server on the same data
            # directory is refused instead of sharing it (and running its jobs twice).
            self._db.execute("PRAGMA locking_mode=EXCLUSIVE")
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a killed process; only a power cut may lose the
            # last commits.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._migrate()
            self._db.executescript(_LISTING_INDEX)
        except sqlite3.OperationalError as err:
            self._db.close()
            if "locked" in str(err):
                raise ValueError(
                    f"the database {path} is in use by another server (one data directory"
                    " per server)"
                ) from None
            raise

    def _migrate(self) -> None:
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
        if "creation_ms" not in columns:
            self._db.execute("ALTER TABLE jobs ADD COLUMN creation_ms INTEGER")
        missing = self._db.execute(
            "SELECT id, creation_date FROM jobs WHERE creation_ms IS NULL"
        ).fetchall()
        if missing:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "UPDATE jobs SET creation_ms = ? WHERE id = ?",
                    [(_millis(date), job_id) for job_id, date in missing],
                )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    # -- metadata ---------------------------------------------------------------------------

    def meta_get(self, key: str) -> str | None:
        """A metadata value, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def meta_set_default(self, key: str, value: str) -> str:
        """Store ``value`` under ``key`` unless a value exists; return the stored value."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            stored = self.meta_get(key)
        assert stored is not None
        return stored

    # -- access tokens ----------------------------------------------------------------------

    def add_access_token(self, row: AccessTokenRow) -> None:
        """Store a new access token."""
        with self._lock:
            self._db.execute(
                "INSERT INTO access_tokens (token, user_id, created, ttl) VALUES (?, ?, ?, ?)",
                (row.token, row.user_id, row.created, row.ttl),
            )

    def get_access_token(self, token: str) -> AccessTokenRow | None:
        """The stored access token, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT token, user_id, created, ttl FROM access_tokens WHERE token = ?", (token,)
            ).fetchone()
        return None if row is None else AccessTokenRow(*row)

    # -- jobs -------------------------------------------------------------------------------

    def insert_job(self, record: JobRecord, limit: int | None) -> bool:
        """Add a job unless its project already has ``limit`` active jobs on the backend.

        Args:
            record: the new job.
            limit: maximum number of active jobs, or None for no limit.

        Returns:
            False when the limit was reached (nothing stored), True otherwise.
        """
        with self._lock:
            if limit is not None:
                active = self.count_active(record.hub, record.group, record.project, record.backend)
                if active >= limit:
                    return False
            self._db.execute(
                "INSERT INTO jobs (id, user_id, hub, grp, project, backend, status, creation_date,"
                " deleted, record, creation_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.user_id,
                    record.hub,
                    record.group,
                    record.project,
                    record.backend,
                    record.status,
                    record.creation_date,
                    int(record.deleted),
                    record.to_json(),
                    _millis(record.creation_date),
                ),
            )
        return True

    def count_active(self, hub: str, group: str, project: str, backend: str) -> int:
        """Number of non-final, non-deleted jobs of a project on a backend.

        The active statuses are listed (rather than the final ones excluded) so the
        ``jobs_by_status`` index is searched for them only: the cost grows with the active
        jobs, not with the project's history.
        """
        active = sorted(statuses.ACTIVE)
        marks = ",".join("?" * len(active))
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM jobs WHERE hub = ? AND grp = ? AND project = ?"
                f" AND backend = ? AND status IN ({marks}) AND deleted = 0",
                (hub, group, project, backend, *active),
            ).fetchone()
        return int(row[0])

    def get_job(self, job_id: str) -> JobRecord | None:
        """The job (deleted or not), or None."""
        with self._lock:
            row = self._db.execute("SELECT record FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else JobRecord.from_json(row[0])

    def update_job(
        self,
        job_id: str,
        change: Callable[[JobRecord], bool],
        objects: Mapping[str, bytes] | None = None,
    ) -> tuple[JobRecord | None, bool]:
        """Apply ``change`` to a job atomically.

        Args:
            job_id: the job.
            change: mutates the record and returns True to save it, False to leave it.
            objects: small objects of the job (name to bytes, as :meth:`put_object`)
                stored in the same transaction as the change, and only if it is saved.

        Returns:
            ``(record, saved)``: the record after the change (None if there is no such
            job) and whether it was saved.
        """
        with self._lock:
            record = self.get_job(job_id)
            if record is None:
                return None, False
            status, deleted = record.status, record.deleted
            if not change(record):
                return record, False
            # Only the columns that changed: SQLite rewrites the index entries of every
            # column set, changed or not (a flag's update then writes one page, not four).
            columns = ["record = ?"]
            values: list[Any] = [record.to_json()]
            if record.status != status:
                columns.append("status = ?")
                values.append(record.status)
            if record.deleted != deleted:
                columns.append("deleted = ?")
                values.append(int(record.deleted))
            update = f"UPDATE jobs SET {', '.join(columns)} WHERE id = ?"
            values.append(job_id)
            if not objects:
                self._db.execute(update, values)
                return record, True
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    _PUT_OBJECT, [(job_id, name, data) for name, data in objects.items()]
                )
                self._db.execute(update, values)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return record, True

    def project_jobs(
        self, user_id: str | None, hub: str, group: str, project: str
    ) -> list[JobRecord]:
        """The non-deleted jobs of a project (of one user, or of everyone if None)."""
        query = "SELECT record FROM jobs WHERE hub = ? AND grp = ? AND project = ? AND deleted = 0"
        args: list[Any] = [hub, group, project]
        if user_id is not None:
            query += " AND user_id = ?"
            args.append(user_id)
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [JobRecord.from_json(row[0]) for row in rows]

    def iter_project_job_texts(
        self,
        user_id: str,
        hub: str,
        group: str,
        project: str,
        clauses: Iterable[str] = (),
        params: Iterable[Any] = (),
        *,
        descending: bool = True,
        offset: int = 0,
        batch: int = 64,
    ) -> Iterator[str]:
        """The stored records (:meth:`JobRecord.to_json` text) of a user's non-deleted jobs of
        a project, by creation instant then id, lazily.

        Args:
            user_id, hub, group, project: whose jobs.
            clauses: further SQL conditions on the ``jobs`` columns, ANDed.
            params: the values of the clauses' ``?`` placeholders, in order.
            descending: newest first.
            offset: rows to skip first (in SQL).
            batch: rows read per query at first; it doubles up to 1024.

        Rows are read in batches with a keyset cursor on ``(creation_ms, id)``, each
        under the lock, so a caller that stops early reads little and never holds a
        statement open across other threads' writes.
        """
        base = (
            "SELECT record, creation_ms, id FROM jobs"
            " WHERE user_id = ? AND hub = ? AND grp = ? AND project = ? AND deleted = 0"
        )
        args: list[Any] = [user_id, hub, group, project]
        for clause in clauses:
            base += f" AND ({clause})"
        args.extend(params)
        direction, after = ("DESC", "<") if descending else ("ASC", ">")
        order = f" ORDER BY creation_ms {direction}, id {direction} LIMIT ? OFFSET ?"
        cursor: tuple[int, str] | None = None
        while True:
            if cursor is None:
                query, values = base + order, [*args, batch, offset]
            else:
                query = base + f" AND (creation_ms, id) {after} (?, ?)" + order
                values = [*args, *cursor, batch, 0]
            with self._lock:
                rows = self._db.execute(query, values).fetchall()
            for row in rows:
                yield str(row[0])
            if len(rows) < batch:
                return
            cursor = (int(rows[-1][1]), str(rows[-1][2]))
            batch = min(batch * 2, 1024)

    def jobs_in_status(self, wanted: Iterable[str]) -> list[JobRecord]:
        """Non-deleted jobs whose status is one of ``wanted``, oldest first."""
        values = sorted(wanted)
        marks = ",".join("?" * len(values))
        with self._lock:
            rows = self._db.execute(
                f"SELECT record FROM jobs WHERE deleted = 0 AND status IN ({marks})"
                " ORDER BY creation_date, id",
                values,
            ).fetchall()
        return [JobRecord.from_json(row[0]) for row in rows]

    def creating_before(self, cutoff: str) -> list[str]:
        """Ids of non-deleted jobs still in ``CREATING`` created before ``cutoff``, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM jobs WHERE status = ? AND creation_date < ? AND deleted = 0"
                " ORDER BY creation_date",
                (statuses.CREATING, cutoff),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def last_creation_date(self) -> str | None:
        """The latest job creation date, or None when there is no job."""
        with self._lock:
            row = self._db.execute("SELECT MAX(creation_date) FROM jobs").fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def max_queue_seq(self) -> int:
        """The highest queue sequence number given to a job so far (0 if none)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT record FROM jobs WHERE status IN (?, ?)",
                (statuses.QUEUED, statuses.RUNNING),
            ).fetchall()
        seqs = [JobRecord.from_json(row[0]).queue_seq or 0 for row in rows]
        return max(seqs, default=0)

    # -- small objects ----------------------------------------------------------------------

    def put_object(self, job_id: str, name: str, data: bytes) -> None:
        """Store (or replace) a small object of a job: a Qobj or a result."""
        with self._lock:
            self._db.execute(_PUT_OBJECT, (job_id, name, data))

    def get_object(self, job_id: str, name: str) -> bytes | None:
        """A small object stored by :meth:`put_object`, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM objects WHERE job_id = ? AND name = ?", (job_id, name)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def object_size(self, job_id: str, name: str) -> int | None:
        """The size of a small object stored by :meth:`put_object`, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT length(data) FROM objects WHERE job_id = ? AND name = ?", (job_id, name)
            ).fetchone()
        return None if row is None else int(row[0])

    def delete_object(self, job_id: str, name: str) -> None:
        """Forget a small object (none stored: nothing happens)."""
        with self._lock:
            self._db.execute("DELETE FROM objects WHERE job_id = ? AND name = ?", (job_id, name))

    # -- calibrations -----------------------------------------------------------------------

    def add_calibration(self, backend: str, last_update_ms: int, properties: str) -> int:
        """Store a calibration and return its id."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO calibrations (backend, last_update_ms, properties) VALUES (?, ?, ?)",
                (backend, last_update_ms, properties),
            )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def latest_calibration(
        self, backend: str, before_ms: int | None = None
    ) -> tuple[int, str] | None:
        """The newest calibration of a backend (updated strictly before ``before_ms``)."""
        query = "SELECT id, properties FROM calibrations WHERE backend = ?"
        args: list[Any] = [backend]
        if before_ms is not None:
            query += " AND last_update_ms < ?"
            args.append(before_ms)
        query += " ORDER BY last_update_ms DESC, id DESC LIMIT 1"
        with self._lock:
            row = self._db.execute(query, args).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def get_calibration(self, calibration_id: int) -> str | None:
        """The properties JSON of a calibration, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT properties FROM calibrations WHERE id = ?", (calibration_id,)
            ).fetchone()
        return None if row is None else str(row[0])


_PUT_OBJECT = "INSERT OR REPLACE INTO objects (job_id, name, data) VALUES (?, ?, ?)"


def _millis(creation_date: str) -> int:
    """Milliseconds since the epoch of a stored creation date (0 if unreadable)."""
    moment = parse_instant(creation_date)
    return to_millis(moment) if moment is not None else 0
