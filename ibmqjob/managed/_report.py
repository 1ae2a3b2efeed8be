"""The text of the job manager's status reports (the original's layout)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qiskit.providers import JobStatus

if TYPE_CHECKING:
    from .managedjob import ManagedJob

__all__ = ["format_job_details", "format_status_counts"]


def format_status_counts(statuses: Sequence[JobStatus | None]) -> list[str]:
    """The summary lines: how many jobs are in each group of statuses."""
    counts: Counter[JobStatus | None] = Counter(statuses)
    pending = counts[JobStatus.INITIALIZING] + counts[JobStatus.VALIDATING]
    pending += counts[JobStatus.QUEUED]
    return [
        f"       Total jobs: {len(statuses)}",
        f"  Successful jobs: {counts[JobStatus.DONE]}",
        f"      Failed jobs: {counts[JobStatus.ERROR]}",
        f"   Cancelled jobs: {counts[JobStatus.CANCELLED]}",
        f"     Running jobs: {counts[JobStatus.RUNNING]}",
        f"     Pending jobs: {pending}",
    ]


def format_job_details(
    statuses: Sequence[JobStatus | None], managed_jobs: Sequence[ManagedJob]
) -> list[str]:
    """The detail lines: one block per job (range, index, ID, name, status and why)."""
    report: list[str] = []
    for index, (status, managed) in enumerate(zip(statuses, managed_jobs, strict=True)):
        report.append(f"  experiments: {managed.start_index}-{managed.end_index}")
        report.append(f"    job index: {index}")
        if managed.submit_error is not None:
            report.append(f"    status: job submit failed: {managed.submit_error}")
            continue
        job = managed.job
        if job is None:
            report.append(f"    status: {JobStatus.INITIALIZING.value}")
            continue
        report.append(f"    job ID: {job.job_id()}")
        report.append(f"    name: {job.name()}")
        report.append(f"    status: {status.value if status is not None else 'Unknown'}")
        if status is JobStatus.QUEUED:
            report.append(f"    queue position: {job.queue_position()}")
        elif status is JobStatus.ERROR:
            report.append("    error_message:")
            for line in (managed.error_message() or "").split("\n"):
                report.append(line.rjust(len(line) + 6))
    return report
