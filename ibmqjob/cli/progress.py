"""What the job commands print: job progress, counts, job tables and their JSON forms."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from qiskit.providers import JobStatus
from qiskit.result import Result

from ..queueinfo import QueueInfo

__all__ = [
    "JobSetProgress",
    "ProgressDisplay",
    "describe_status",
    "job_summary",
    "print_counts",
    "print_jobs",
    "result_summary",
]


def describe_status(status: JobStatus, queue_position: int | None = None) -> str:
    """Describe a status in a few words, with the queue position when known.

    Args:
        status: The status.
        queue_position: The position in the queue, if any.

    Returns:
        E.g. ``QUEUED (queue position 3)``.
    """
    name = str(status.name)
    if queue_position is not None:
        return f"{name} (queue position {queue_position})"
    return name


class ProgressDisplay:
    """Shows how a job progresses: one line per change of status or queue position.

    Every change gets its own line, on a terminal as elsewhere, so that no status is lost
    between two redraws and a log record written by another part of the process (the
    embedded server's, say) lands between two lines, never in the middle of one. On a
    terminal each line also says how long the job has been watched.
    """

    def __init__(
        self,
        out: TextIO,
        timed: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create the display.

        Args:
            out: Where to write.
            timed: Add the elapsed time to each line; by default when ``out`` is a terminal.
            clock: Monotonic clock, for the elapsed time.
        """
        self._out = out
        self._timed = out.isatty() if timed is None else timed
        self._clock = clock
        self._start = clock()
        self._last: str | None = None

    @property
    def interval(self) -> float | None:
        """Seconds between updates to ask ``wait_for_final_state`` for: ``None``, on change."""
        return None

    def update(
        self, job_id: str, status: JobStatus, job: Any, queue_info: QueueInfo | None = None
    ) -> None:
        """Show the latest status (the ``wait_for_final_state`` callback).

        Args:
            job_id: The job.
            status: Its status.
            job: The job object (unused).
            queue_info: The queue information, if any.
        """
        position = None if queue_info is None else queue_info.position
        self._show(f"Job {job_id}: {describe_status(status, position)}")

    def finish(self, job_id: str, status: JobStatus) -> None:
        """Show the final status.

        Args:
            job_id: The job.
            status: Its final status.
        """
        self._show(f"Job {job_id}: {describe_status(status)}")

    def _show(self, text: str) -> None:
        if text == self._last:
            return
        self._last = text
        if self._timed:
            text = f"{text} [{self._clock() - self._start:.1f} s]"
        self._out.write(text + "\n")
        self._out.flush()


class JobSetProgress:
    """Shows how a job set progresses: one line each time another of its jobs is done.

    Like :class:`ProgressDisplay`, every change gets its own line, with the elapsed time on a
    terminal. It is the ``callback`` of ``ManagedJobSet.results()``.
    """

    def __init__(
        self,
        out: TextIO,
        timed: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create the display.

        Args:
            out: Where to write.
            timed: Add the elapsed time to each line; by default when ``out`` is a terminal.
            clock: Monotonic clock, for the elapsed time.
        """
        self._display = ProgressDisplay(out, timed, clock)

    def update(self, done: int, total: int) -> None:
        """Show how many jobs of the set are done.

        Args:
            done: Jobs whose result is in (or that ended without one).
            total: Jobs of the set.
        """
        self._display._show(f"Jobs done: {done}/{total}")


def job_summary(job: Any) -> dict[str, Any]:
    """Describe a job for ``--json``: the keys are stable, values JSON types.

    Args:
        job: The job (``IBMQJob``).

    Returns:
        ``job_id``, ``status`` (a ``JobStatus`` name), ``queue_position`` (``None`` unless
        queued), ``backend``, ``name``, ``tags`` and ``creation_date`` (ISO 8601, with offset).
    """
    status = job.status()
    return {
        "job_id": job.job_id(),
        "status": status.name,
        "queue_position": job.queue_position() if status is JobStatus.QUEUED else None,
        "backend": job.backend().name(),
        "name": job.name(),
        "tags": list(job.tags()),
        "creation_date": job.creation_date().isoformat(),
    }


def result_summary(job: Any, result: Result | None, error: str | None) -> dict[str, Any]:
    """Describe a finished job and its counts for ``result --json``.

    Args:
        job: The job (``IBMQJob``).
        result: Its result, ``None`` when it has none.
        error: Why there is no result, ``None`` when there is one.

    Returns:
        The keys of :func:`job_summary`, plus ``success``, ``error`` and ``experiments``: one
        ``{"name", "shots", "counts"}`` per experiment (outcomes as bit strings).
    """
    summary = job_summary(job)
    experiments = []
    if result is not None:
        for index, experiment in enumerate(result.results):
            experiments.append(
                {
                    "name": _header_name(experiment),
                    "shots": experiment.shots,
                    "counts": dict(sorted(result.get_counts(index).items())),
                }
            )
    summary.update(success=result is not None, error=error, experiments=experiments)
    return summary


def print_counts(result: Result, out: TextIO) -> None:
    """Print the counts of every experiment of a result, outcomes in order.

    Args:
        result: The result.
        out: Where to write.
    """
    experiments = result.results
    for index, experiment in enumerate(experiments):
        counts = result.get_counts(index)
        if len(experiments) > 1:
            name = _header_name(experiment) or f"experiment {index}"
            out.write(f"Counts of {name}:\n")
        else:
            out.write("Counts:\n")
        for outcome in sorted(counts):
            out.write(f"  {outcome}: {counts[outcome]}\n")


def print_jobs(jobs: Sequence[Any], out: TextIO) -> None:
    """Print a table of jobs.

    Args:
        jobs: The jobs (``IBMQJob``).
        out: Where to write.
    """
    if not jobs:
        out.write("No jobs.\n")
        return
    rows = [("JOB ID", "CREATED", "STATUS", "BACKEND", "NAME", "TAGS")]
    for job in jobs:
        created = job.creation_date().isoformat(sep=" ", timespec="seconds")
        rows.append(
            (
                job.job_id(),
                created,
                job.status().name,
                job.backend().name(),
                job.name() or "",
                ",".join(job.tags()),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")


def _header_name(experiment: Any) -> Any:
    """The experiment name of a result's header: an object on qiskit 0.46, a dict since."""
    header = getattr(experiment, "header", None)
    if isinstance(header, Mapping):
        return header.get("name")
    return getattr(header, "name", None)
