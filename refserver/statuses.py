"""Job status strings of the API and the sets they belong to."""

from __future__ import annotations

CREATING = "CREATING"
CREATED = "CREATED"
VALIDATING = "VALIDATING"
VALIDATED = "VALIDATED"
QUEUED = "QUEUED"
RUNNING = "RUNNING"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"
ERROR_CREATING_JOB = "ERROR_CREATING_JOB"
ERROR_VALIDATING_JOB = "ERROR_VALIDATING_JOB"
ERROR_RUNNING_JOB = "ERROR_RUNNING_JOB"
PENDING_IN_QUEUE = "PENDING_IN_QUEUE"

FINAL = frozenset(
    {
        COMPLETED,
        CANCELLED,
        ERROR_CREATING_JOB,
        ERROR_VALIDATING_JOB,
        ERROR_RUNNING_JOB,
        "ERROR_TRANSPILING_JOB",
    }
)
# Every status a stored job can have before a final one (the job limit counts these).
ACTIVE = frozenset({CREATING, CREATED, VALIDATING, VALIDATED, QUEUED, RUNNING})
# Jobs in these statuses are owed work by the server: it resumes them after a restart.
IN_PROGRESS = frozenset({VALIDATING, VALIDATED, QUEUED, RUNNING})


def is_final(status: str) -> bool:
    """Whether a job in ``status`` will never change again."""
    return status in FINAL
