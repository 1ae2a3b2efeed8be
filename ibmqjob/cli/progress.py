"""What the job commands print: job progress, counts and job tables."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from qiskit.providers import JobStatus
from qiskit.result import Result

from ..queueinfo import QueueInfo

__all__ = ["ProgressDisplay", "describe_status", "print_counts", "print_jobs"]


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
    """Shows how a job progresses: one live line on a terminal, plain lines otherwise.

    On a terminal the line is rewritten in place (with the elapsed time); elsewhere each
    change of status or queue position is printed once, on its own line.
    """

    def __init__(
        self,
        out: TextIO,
        live: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create the display.

        Args:
            out: Where to write.
            live: Rewrite one line in place; by default when ``out`` is a terminal.
            clock: Monotonic clock, for the elapsed time.
        """
        self._out = out
        self._live = out.isatty() if live is None else live
        self._clock = clock
        self._start = clock()
        self._last: str | None = None
        self._width = 0

    @property
    def interval(self) -> float | None:
        """Seconds between updates to ask for: periodic when live, on change otherwise."""
        return 0.5 if self._live else None

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
        self._show(f"Job {job_id}: {describe_status(status, position)}", final=False)

    def finish(self, job_id: str, status: JobStatus) -> None:
        """Show the final status and end the line.

        Args:
            job_id: The job.
            status: Its final status.
        """
        self._show(f"Job {job_id}: {describe_status(status)}", final=True)

    def _show(self, text: str, final: bool) -> None:
        if self._live:
            line = f"{text} [{self._clock() - self._start:.1f} s]"
            padding = " " * max(self._width - len(line), 0)
            self._out.write("\r" + line + padding + ("\n" if final else ""))
            self._width = 0 if final else len(line)
        elif text != self._last:
            self._out.write(text + "\n")
        self._last = text
        self._out.flush()


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
            name = getattr(experiment.header, "name", None) or f"experiment {index}"
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
