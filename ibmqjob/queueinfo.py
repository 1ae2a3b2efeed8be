"""Queue information of a job, compatible with the legacy ``QueueInfo``.

A job has queue information only while the server says it is exactly ``QUEUED``
(:func:`status_and_queue_info`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from qiskit.providers import JobStatus

from ._api.records import InfoQueueRecord, to_python_identifier
from ._time import duration_difference, parse_iso, utc_to_local
from .status import api_status_to_job_status

__all__ = ["QueueInfo", "status_and_queue_info"]


class QueueInfo:
    """Queue information for a job: position, estimated times and dynamic priorities.

    The estimated times are given and stored in UTC and returned in local time. Keyword
    arguments the class does not know are kept and readable as attributes. Two instances
    are equal when :meth:`to_dict` is equal (the original class had no equality, so every
    new object looked like a change to ``wait_for_final_state`` callbacks).
    """

    def __init__(
        self,
        position: int | None = None,
        status: str | None = None,
        estimated_start_time: str | dt.datetime | None = None,
        estimated_complete_time: str | dt.datetime | None = None,
        hub_priority: float | None = None,
        group_priority: float | None = None,
        project_priority: float | None = None,
        job_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Create the queue information.

        Args:
            position: Position in the queue (within the provider).
            status: Queue status as sent by the server, e.g. ``PENDING_IN_QUEUE``.
            estimated_start_time: Estimated start time, in UTC (ISO string or datetime).
            estimated_complete_time: Estimated completion time, in UTC.
            hub_priority: Dynamic priority of the hub.
            group_priority: Dynamic priority of the group.
            project_priority: Dynamic priority of the project.
            job_id: The job ID.
            kwargs: Additional attributes.

        Raises:
            ValueError: If an estimated time is a string that is not ISO-8601.
        """
        self.position = position
        self._status = status
        self._estimated_start_time_utc = _optional_time(estimated_start_time)
        self._estimated_complete_time_utc = _optional_time(estimated_complete_time)
        self.hub_priority = hub_priority
        self.group_priority = group_priority
        self.project_priority = project_priority
        self.job_id = job_id
        self._data: dict[str, Any] = dict(kwargs)

    @classmethod
    def from_record(cls, record: InfoQueueRecord, job_id: str) -> QueueInfo:
        """Build the queue information from a decoded ``infoQueue``.

        Args:
            record: The decoded ``infoQueue``.
            job_id: The job it belongs to.

        Returns:
            The queue information.
        """
        return cls(
            position=record.position,
            status=record.status,
            estimated_start_time=record.estimated_start_time,
            estimated_complete_time=record.estimated_complete_time,
            hub_priority=record.hub_priority,
            group_priority=record.group_priority,
            project_priority=record.project_priority,
            job_id=job_id,
            **{to_python_identifier(key): value for key, value in record.extra.items()},
        )

    @property
    def estimated_start_time(self) -> dt.datetime | None:
        """Return the estimated start time, in local time."""
        utc = self._estimated_start_time_utc
        return None if utc is None else utc_to_local(utc)

    @property
    def estimated_complete_time(self) -> dt.datetime | None:
        """Return the estimated completion time, in local time."""
        utc = self._estimated_complete_time_utc
        return None if utc is None else utc_to_local(utc)

    def format(self) -> str:
        """Build a user-friendly report of the queue information.

        Returns:
            The multi-line report. Estimated times are shown as a countdown from now.
        """
        lines = [
            f"Job {self._get_value(self.job_id)} queue information:",
            f"    queue position: {self._get_value(self.position)}",
            f"    status: {self._status_text(by_name=False)}",
            f"    estimated start time: {self._countdown(self.estimated_start_time)}",
            f"    estimated completion time: {self._countdown(self.estimated_complete_time)}",
            f"    hub priority: {self._get_value(self.hub_priority)}",
            f"    group priority: {self._get_value(self.group_priority)}",
            f"    project priority: {self._get_value(self.project_priority)}",
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the information as JSON-safe simple types.

        ``QueueInfo(**info.to_dict())`` rebuilds an equal object. Times are ISO-8601 UTC.

        Returns:
            The constructor arguments, extra attributes included.
        """
        return {
            "position": self.position,
            "status": self._status,
            "estimated_start_time": _iso(self._estimated_start_time_utc),
            "estimated_complete_time": _iso(self._estimated_complete_time_utc),
            "hub_priority": self.hub_priority,
            "group_priority": self.group_priority,
            "project_priority": self.project_priority,
            "job_id": self.job_id,
            **self._data,
        }

    def __repr__(self) -> str:
        start, complete = self.estimated_start_time, self.estimated_complete_time
        fields = [
            f"job_id='{self.job_id}'",
            f"_status='{self._status_text(by_name=True)}'",
            f"estimated_start_time='{start.isoformat() if start else None}'",
            f"estimated_complete_time='{complete.isoformat() if complete else None}'",
            f"position={self.position}",
            f"hub_priority={self.hub_priority}",
            f"group_priority={self.group_priority}",
            f"project_priority={self.project_priority}",
        ]
        return f"<{type(self).__name__}({', '.join(fields)})>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QueueInfo):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable value object

    def __getattr__(self, name: str) -> Any:
        # Only called for missing attributes: the extra keys given to the constructor.
        if name.startswith("__") or name == "_data":
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"Attribute {name} is not defined.") from None

    def _get_value(self, value: Any, default_value: str = "unknown") -> Any:
        """Return ``value``, or ``default_value`` when it is falsy (so 0 prints as unknown)."""
        return value or default_value

    def _status_text(self, by_name: bool) -> str:
        if not self._status:
            return str(self._get_value(self._status))
        status = api_status_to_job_status(self._status)
        return status.name if by_name else str(status.value)

    def _countdown(self, when: dt.datetime | None) -> str:
        return duration_difference(when) if when else str(self._get_value(when))


def status_and_queue_info(
    api_status: str,
    info_queue: InfoQueueRecord | None,
    job_id: str,
    previous: JobStatus | None = None,
) -> tuple[JobStatus, QueueInfo | None]:
    """Turn a status and its ``infoQueue`` into the public status and queue information.

    Queue information exists only when the wire status is exactly ``QUEUED`` and the
    server sent a non-empty ``infoQueue``; in every other state it is ``None``.

    Args:
        api_status: The status string sent by the server.
        info_queue: The decoded ``infoQueue``, if any.
        job_id: The job the information belongs to.
        previous: The status known before (kept for unknown status strings).

    Returns:
        The qiskit status and the queue information (or ``None``).
    """
    status = api_status_to_job_status(api_status, previous)
    if api_status != "QUEUED" or status is not JobStatus.QUEUED or info_queue is None:
        return status, None
    return status, QueueInfo.from_record(info_queue, job_id)


def _optional_time(value: str | dt.datetime | None) -> dt.datetime | None:
    return None if value is None else parse_iso(value)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")
