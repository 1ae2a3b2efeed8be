"""What a provider and its backends need from the server: the :class:`ProjectService` protocol.

``AccountProvider`` and ``IBMQBackend`` are typed against this protocol, not against the
concrete adapter over the generated client (``ibmqjob._api.ProjectApi``), so that a fake
implementation type-checks and neither module imports the wire layer. The job calls are
those of :class:`~ibmqjob._records.JobApi`; the contract for errors is the same: every
method raises :class:`~ibmqjob.exceptions.ApiError` and nothing else on failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from ._account_records import JobsLimitRecord, QueueStatusRecord
from ._listing import JobIdRecord
from ._records import JobApi, JobRecord

__all__ = ["ProjectService"]


@runtime_checkable
class ProjectService(JobApi, Protocol):
    """The job, listing, submission and device calls of one hub/group/project."""

    def job_submit(
        self,
        backend_name: str,
        qobj: Mapping[str, Any],
        *,
        name: str | None = None,
        tags: Sequence[str] | None = None,
        experiment_id: str | None = None,
        live_data_enabled: bool | None = None,
    ) -> JobRecord:
        """Create a job, upload its Qobj and confirm the upload; the created job document."""
        ...

    def jobs_page(self, loopback_filter: Mapping[str, Any]) -> list[JobRecord]:
        """``GET /Jobs/status/v/1?filter=``: one page of job documents."""
        ...

    def job_ids_page(self, loopback_filter: Mapping[str, Any]) -> list[JobIdRecord]:
        """``GET /Jobs/v/1?filter=``: one page of id documents."""
        ...

    def backends(self) -> list[dict[str, Any]]:
        """``GET /devices/v/1``: the backend configurations, as dicts."""
        ...

    def backend_properties(
        self, backend_name: str, before: dt.datetime | None
    ) -> dict[str, Any] | None:
        """``GET /devices/{name}/properties``: the calibration, ``None`` if there is none."""
        ...

    def backend_defaults(self, backend_name: str) -> dict[str, Any] | None:
        """``GET /devices/{name}/defaults``: the pulse defaults, ``None`` if there are none."""
        ...

    def backend_status(self, backend_name: str) -> QueueStatusRecord:
        """``GET /devices/{name}/queue/status``."""
        ...

    def backend_job_limit(self, backend_name: str) -> JobsLimitRecord:
        """``GET /devices/{name}/jobsLimit``."""
        ...
