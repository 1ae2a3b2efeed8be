"""The exit codes of the ``ibmqjob`` command, in one table.

``ibmqjob --help`` shows the table in its epilog and the README repeats it; a test keeps the
two in step with :data:`EXIT_CODES`.
"""

from __future__ import annotations

import textwrap

__all__ = [
    "EXIT_CODES",
    "EXIT_INTERRUPTED",
    "EXIT_JOB_FAILED",
    "EXIT_NO_SUCH_JOB",
    "EXIT_OK",
    "EXIT_SERVER",
    "EXIT_USAGE",
    "exit_codes_text",
]

EXIT_OK = 0
EXIT_JOB_FAILED = 1
EXIT_USAGE = 2
EXIT_SERVER = 3
EXIT_NO_SUCH_JOB = 4
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_JOB_FAILED: "the job failed, was cancelled, could not be cancelled or did not finish in"
    " time",
    EXIT_USAGE: "bad usage: bad arguments (a bad number, status or --name regular expression),"
    " a missing or invalid circuit file, a circuit without measurements, an unknown backend,"
    " no server given",
    EXIT_SERVER: "the server could not be used: connection, login or server errors, the"
    " 'server' extra missing for the embedded server",
    EXIT_NO_SUCH_JOB: "no such job: the server knows no job with this id (for this account)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C); a submitted job keeps running on the server",
}
"""Every exit code of the job commands and what it means (``conformance`` has its own)."""


def exit_codes_text(width: int = 88) -> str:
    """Return the exit codes as lines for ``--help``: ``  N    meaning``, wrapped."""
    return "exit codes of the job commands:\n" + "\n".join(
        textwrap.fill(meaning, width, initial_indent=f"  {code:<4} ", subsequent_indent=" " * 7)
        for code, meaning in EXIT_CODES.items()
    )
