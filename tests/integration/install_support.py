"""Helpers of the tests that install the project as a user would: a clean copy, the README's text.

The copy holds the files git tracks (what a clone has); the environment given to the commands
has nothing of this test run's (no ``PYTHONPATH``, no virtualenv, no account variables).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
README_URL = "http://127.0.0.1:8390/api"


def readme_block(section: str, language: str, index: int = 0) -> str:
    """The ``index``-th code block in ``language`` of the README's ``## section``."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    blocks = re.findall(rf"```{language}\n(.*?)```", text[start:end], flags=re.DOTALL)
    return str(blocks[index])


def readme_sdk_example() -> str:
    """The README's first Python example (the SDK against ``ibmqjob serve``)."""
    return README.read_text(encoding="utf-8").split("```python\n", 1)[1].split("```", 1)[0]


def tracked_copy(folder: Path) -> Path:
    """Copy the files git tracks into ``folder/ibmqjob``; skip the test outside a git checkout."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    copy = folder / "ibmqjob"
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


def clean_environment() -> dict[str, str]:
    """This process's environment without Python paths, virtualenvs or accounts."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "IBMQJOB_", "QE_", "PYTHONHOME")
    return {key: value for key, value in os.environ.items() if not key.startswith(drop)}


@contextlib.contextmanager
def serve(bin_dir: Path, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """Run ``ibmqjob serve --port 0`` from ``bin_dir``, give its API URL, then stop it with
    Ctrl-C (the README's way): it must exit 0 and print no traceback."""
    server = subprocess.Popen(
        [str(bin_dir / "ibmqjob"), "serve", "--port", "0"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+/api)", first)
        if match is None:  # it did not start: its whole output says why
            server.kill()
            rest, _ = server.communicate(timeout=30)
            pytest.fail(f"ibmqjob serve did not start:\n{first}{rest[-4000:]}")
        yield match[1]
    finally:
        server.send_signal(signal.SIGINT)  # the README's Ctrl-C
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate(timeout=10)
    assert server.returncode == 0, output
    assert "Traceback" not in output
