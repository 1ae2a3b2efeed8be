"""``ibmqjob run`` on a real terminal: a pseudo-terminal, the command in a subprocess.

On a terminal the progress shows every status change and the queue position, one whole line
each, and log records written meanwhile (here the SDK's debug log and the embedded server's)
land between lines, never inside one.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.timeout(180)

# The command as a user runs it, with every log record of the process on the same terminal.
# Each step of the embedded server lasts 0.5 s (0.2 s by default), so that a loaded machine
# still sees every status.
SCRIPT = """
import functools, logging, sys
import refserver.runner
import ibmqjob.cli.jobs
ibmqjob.cli.jobs.EMBEDDED_STEP_DELAY = 0.5
refserver.runner.ServerThread = functools.partial(refserver.runner.ServerThread, run_delay=0.5)
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="LOG %(name)s: %(message)s")
for name in ("ibmqjob", "refserver", "uvicorn"):
    logging.getLogger(name).setLevel(logging.DEBUG)
from ibmqjob.cli import main
sys.exit(main(["run", "--shots", "200", "--seed", "3"]))
"""
STATUS_LINE = re.compile(
    r"Job (?P<id>[0-9a-f]{24}): (?P<status>VALIDATING|QUEUED|RUNNING|DONE)"
    r"(?: \(queue position (?P<position>\d+)\))? \[\d+\.\d s\]"
)
OTHER_LINES = [
    re.compile(r"LOG .*"),
    re.compile(r"No server given: started the embedded reference server at .*"),
    re.compile(r"Submitted job [0-9a-f]{24} to ibmq_qasm_simulator\."),
    re.compile(r"Counts:"),
    re.compile(r"  (00|11): \d+"),
]


def _run_in_terminal(script: str, limit: float) -> tuple[int, str]:
    """Run ``python -c script`` with a pseudo-terminal as its standard streams."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IBMQJOB_", "QE_"))}
    leader, follower = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the other side closed (Linux says EIO)
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
        else:
            pytest.fail(f"the command did not end within {limit} s: {output[-2000:]!r}")
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        os.close(leader)
    return code, output.decode()


def test_a_terminal_shows_every_status_and_logs_only_between_lines() -> None:
    code, output = _run_in_terminal(SCRIPT, limit=150)

    assert code == 0, output
    lines = output.split("\r\n")  # the terminal turns each "\n" into "\r\n"
    assert lines.pop() == ""
    assert not [line for line in lines if "\r" in line], "a line was rewritten in place"
    statuses = []
    for line in lines:
        match = STATUS_LINE.fullmatch(line)
        if match:
            statuses.append((match["status"], match["position"]))
        else:
            assert any(p.fullmatch(line) for p in OTHER_LINES), f"a broken line: {line!r}"
    assert any(line.startswith("LOG ibmqjob") for line in lines)  # the test really logs
    names = [status for status, _ in statuses]
    # Every status, in order (QUEUED again when the queue position changes).
    assert [name for i, name in enumerate(names) if names[i - 1 : i] != [name]] == [
        "VALIDATING",
        "QUEUED",
        "RUNNING",
        "DONE",
    ]
    assert all(position is not None for status, position in statuses if status == "QUEUED")
