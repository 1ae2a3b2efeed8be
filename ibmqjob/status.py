"""Job status: the API status strings and their qiskit ``JobStatus``.

The server speaks in API statuses (``CREATING``, ``QUEUED``, ``ERROR_RUNNING_JOB``, ...); the
public API answers with qiskit :class:`~qiskit.providers.JobStatus`. The mapping is the table
:data:`API_TO_JOB_STATUS`. A status string the table does not know never raises (the
original client crashed on ``TRANSPILING``): an unknown ``ERROR...`` string is a failed job,
any other unknown string keeps the previous status (``INITIALIZING`` when there is none), and
the first occurrence of each unknown string is logged as a warning.

This module imports nothing from ``ibmqjob``: the queue information that goes with a
status lives in :mod:`ibmqjob.queueinfo`.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from qiskit.providers import JobStatus

__all__ = [
    "API_FINAL_STATUSES",
    "API_NO_RESULT_STATUSES",
    "API_TO_JOB_STATUS",
    "JOB_FINAL_STATES",
    "JobStatus",
    "api_status_filter",
    "api_status_to_job_status",
    "is_final",
]

logger = logging.getLogger(__name__)

API_TO_JOB_STATUS: Mapping[str, JobStatus] = MappingProxyType(
    {
        "CREATING": JobStatus.INITIALIZING,
        "CREATED": JobStatus.INITIALIZING,
        "TRANSPILING": JobStatus.INITIALIZING,
        "TRANSPILED": JobStatus.INITIALIZING,
        "VALIDATING": JobStatus.VALIDATING,
        "VALIDATED": JobStatus.VALIDATING,
        "QUEUED": JobStatus.QUEUED,
        "PENDING_IN_QUEUE": JobStatus.QUEUED,
        "RUNNING": JobStatus.RUNNING,
        "COMPLETED": JobStatus.DONE,
        "CANCELLED": JobStatus.CANCELLED,
        "ERROR_CREATING_JOB": JobStatus.ERROR,
        "ERROR_VALIDATING_JOB": JobStatus.ERROR,
        "ERROR_RUNNING_JOB": JobStatus.ERROR,
        "ERROR_TRANSPILING_JOB": JobStatus.ERROR,
    }
)
"""Every API status the protocol defines, with its qiskit status."""

JOB_FINAL_STATES: tuple[JobStatus, ...] = (JobStatus.DONE, JobStatus.CANCELLED, JobStatus.ERROR)
"""The qiskit statuses after which a job never changes."""

API_FINAL_STATUSES: frozenset[str] = frozenset(
    api for api, status in API_TO_JOB_STATUS.items() if status in JOB_FINAL_STATES
)
"""The API statuses of finished jobs."""

API_NO_RESULT_STATUSES: frozenset[str] = frozenset(
    {"ERROR_CREATING_JOB", "ERROR_VALIDATING_JOB", "ERROR_TRANSPILING_JOB"}
)
"""Failed before running: such a job has no result, so none is ever downloaded."""

_warned_unknown: set[str] = set()


def api_status_to_job_status(api_status: str, previous: JobStatus | None = None) -> JobStatus:
    """Return the qiskit status of an API status string, never raising.

    Args:
        api_status: The status string sent by the server (case does not matter).
        previous: The status known before, kept when ``api_status`` is unknown.

    Returns:
        The mapped status. Unknown strings give ``ERROR`` when they start with ``ERROR``,
        else ``previous`` (or ``INITIALIZING``).
    """
    key = api_status.upper()
    status = API_TO_JOB_STATUS.get(key)
    if status is not None:
        return status
    fallback = JobStatus.ERROR if key.startswith("ERROR") else (previous or JobStatus.INITIALIZING)
    if key not in _warned_unknown:
        _warned_unknown.add(key)
        logger.warning(
            "Unknown job status %r received from the server; treating it as %s.",
            api_status,
            fallback.name,
        )
    return fallback


def is_final(status: JobStatus) -> bool:
    """Return whether a qiskit status is final (``DONE``, ``CANCELLED`` or ``ERROR``).

    Args:
        status: The status.

    Returns:
        ``True`` if the job can no longer change.
    """
    return status in JOB_FINAL_STATES


# Where clauses of the job listing (``GET /Jobs/status/v/1?filter=``) for each status.
_STATUS_FILTERS: Mapping[JobStatus, Any] = MappingProxyType(
    {
        JobStatus.INITIALIZING: {"inq": ["CREATING", "CREATED", "TRANSPILING", "TRANSPILED"]},
        JobStatus.VALIDATING: {"inq": ["VALIDATING", "VALIDATED"]},
        JobStatus.QUEUED: "QUEUED",
        JobStatus.RUNNING: "RUNNING",
        JobStatus.CANCELLED: "CANCELLED",
        JobStatus.DONE: "COMPLETED",
        JobStatus.ERROR: {"regexp": "^ERROR"},
    }
)


def api_status_filter(status: JobStatus) -> dict[str, Any]:
    """Return the LoopBack ``where`` clause selecting jobs in a qiskit status.

    Args:
        status: The qiskit status.

    Returns:
        A clause such as ``{"status": "QUEUED"}`` or ``{"status": {"regexp": "^ERROR"}}``.
    """
    value = _STATUS_FILTERS[status]
    return {"status": copy.deepcopy(value)}
