"""What the job commands print: progress lines, the live line, counts."""

from __future__ import annotations

import io

from qiskit.providers import JobStatus
from qiskit.result import Result

from ibmqjob.cli.progress import JobSetProgress, ProgressDisplay, describe_status, print_counts
from ibmqjob.queueinfo import QueueInfo


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _queued(position: int) -> QueueInfo:
    return QueueInfo(position=position, status="PENDING_IN_QUEUE", job_id="j")


def test_plain_lines_on_change_only() -> None:
    out = io.StringIO()
    display = ProgressDisplay(out, timed=False)

    display.update("j", JobStatus.VALIDATING, None)
    display.update("j", JobStatus.QUEUED, None, queue_info=_queued(3))
    display.update("j", JobStatus.QUEUED, None, queue_info=_queued(3))
    display.update("j", JobStatus.QUEUED, None, queue_info=_queued(1))
    display.finish("j", JobStatus.DONE)

    assert out.getvalue().splitlines() == [
        "Job j: VALIDATING",
        "Job j: QUEUED (queue position 3)",
        "Job j: QUEUED (queue position 1)",
        "Job j: DONE",
    ]
    assert display.interval is None  # called on every change, never periodically


def test_timed_lines_keep_every_status_with_the_elapsed_time() -> None:
    out, clock = io.StringIO(), Clock()
    display = ProgressDisplay(out, timed=True, clock=clock)

    clock.now += 0.04
    display.update("j", JobStatus.VALIDATING, None)
    clock.now += 1.25
    display.update("j", JobStatus.QUEUED, None, queue_info=_queued(12))
    clock.now += 1.0
    display.update("j", JobStatus.RUNNING, None)
    display.update("j", JobStatus.RUNNING, None)
    display.finish("j", JobStatus.DONE)

    # One whole line per change, never a line rewritten in place.
    assert "\r" not in out.getvalue()
    assert out.getvalue().splitlines() == [
        "Job j: VALIDATING [0.0 s]",
        "Job j: QUEUED (queue position 12) [1.3 s]",
        "Job j: RUNNING [2.3 s]",
        "Job j: DONE [2.3 s]",
    ]


def test_timed_is_the_default_on_a_terminal_only() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    ProgressDisplay(terminal).finish("j", JobStatus.DONE)
    ProgressDisplay(pipe).finish("j", JobStatus.DONE)
    assert terminal.getvalue().startswith("Job j: DONE [")
    assert pipe.getvalue() == "Job j: DONE\n"


def test_describe_status() -> None:
    assert describe_status(JobStatus.QUEUED, 0) == "QUEUED (queue position 0)"
    assert describe_status(JobStatus.ERROR) == "ERROR"


def _result(*experiments: tuple[str, dict[str, int]]) -> Result:
    return Result.from_dict(
        {
            "backend_name": "sim",
            "backend_version": "1",
            "qobj_id": "q",
            "job_id": "j",
            "success": True,
            "results": [
                {
                    "shots": sum(counts.values()),
                    "success": True,
                    "data": {"counts": counts},
                    "header": {"name": name, "creg_sizes": [["c", 2]], "memory_slots": 2},
                }
                for name, counts in experiments
            ],
        }
    )


def test_counts_are_printed_in_outcome_order() -> None:
    out = io.StringIO()
    print_counts(_result(("bell", {"0x3": 7, "0x0": 5})), out)
    assert out.getvalue() == "Counts:\n  00: 5\n  11: 7\n"

    out = io.StringIO()
    print_counts(_result(("a", {"0x1": 1}), ("b", {"0x2": 2})), out)
    assert out.getvalue() == "Counts of a:\n  01: 1\nCounts of b:\n  10: 2\n"


def test_job_set_progress_shows_jobs_done_out_of_the_total() -> None:
    out, clock = io.StringIO(), Clock()
    display = JobSetProgress(out, timed=True, clock=clock)

    clock.now += 0.5
    display.update(1, 3)
    display.update(1, 3)
    clock.now += 1.0
    display.update(3, 3)

    assert out.getvalue().splitlines() == ["Jobs done: 1/3 [0.5 s]", "Jobs done: 3/3 [1.5 s]"]
    plain = io.StringIO()
    JobSetProgress(plain).update(2, 4)
    assert plain.getvalue() == "Jobs done: 2/4\n"
