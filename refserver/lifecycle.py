"""Status transitions of jobs: conditional, timestamped, persisted and published."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from refserver import statuses
from refserver.events import JobEvents
from refserver.store import JobRecord, Store
from refserver.timeutil import now_text


class Transitions:
    """Moves jobs between statuses.

    A transition happens only if the job is in one of the expected statuses, so
    a job cancelled by a request is never overwritten by a worker finishing it.

    Args:
        store: the database.
        events: notified after every saved change.
    """

    def __init__(self, store: Store, events: JobEvents) -> None:
        self._store = store
        self._events = events

    def advance(
        self,
        job_id: str,
        expected: Collection[str] | None,
        new_status: str,
        change: Callable[[JobRecord], None] | None = None,
        *,
        via: Sequence[str] = (),
        objects: Mapping[str, bytes] | None = None,
    ) -> JobRecord | None:
        """Move a job from one of ``expected`` to ``new_status``.

        Args:
            job_id: the job.
            expected: statuses the job may be in; None for any non-final status.
            new_status: the status to enter; its time is recorded in ``timePerStep``.
            change: further changes to the record, applied in the same update.
            via: statuses passed through on the way, in order, in the same update: each
                gets its time in ``timePerStep`` (the same instant), none is ever stored
                as the job's status. One write and one notification instead of several,
                where nothing happens between the steps.
            objects: small objects stored with the change, only if it is saved
                (:meth:`refserver.store.Store.update_job`).

        Returns:
            The updated record, or None when the job was not in an expected status.
        """

        def apply(record: JobRecord) -> bool:
            if record.deleted or record.is_final:
                return False
            if expected is not None and record.status not in expected:
                return False
            now = now_text()
            for step in via:
                record.time_per_step[step] = now
            record.status = new_status
            record.time_per_step[new_status] = now
            if statuses.is_final(new_status):
                record.end_date = now
            if change is not None:
                change(record)
            return True

        record, saved = self._store.update_job(job_id, apply, objects)
        if not saved:
            return None
        self._events.publish(job_id)
        return record

    def update(
        self,
        job_id: str,
        change: Callable[[JobRecord], bool],
        objects: Mapping[str, bytes] | None = None,
    ) -> JobRecord | None:
        """Apply a change that keeps the status (name, tags, flags); None if not saved.

        ``objects``: small objects stored with the change, only if it is saved.
        """
        record, saved = self._store.update_job(job_id, change, objects)
        if saved:
            self._events.publish(job_id)
        return record if saved else None

    def cancel(self, job_id: str) -> JobRecord | None:
        """Cancel a job in any non-final status; None if it was already final."""
        return self.advance(job_id, None, statuses.CANCELLED)
