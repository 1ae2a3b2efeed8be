"""The README's install, serve and SDK steps, run as written in a fresh copy of the project.

The copy holds the files git tracks (what a clone has), the commands are the README's own
code blocks, and nothing of this environment leaks in (no ``PYTHONPATH``, no virtualenv):
a fresh ``.venv`` is made with ``pip install '.[server]'``, ``ibmqjob serve`` is started from
it and the README's SDK example runs in it against that server.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.install_support import (
    README_URL,
    clean_environment,
    readme_block,
    readme_sdk_example,
    serve,
    tracked_copy,
)

# The install makes its own virtualenv: the same whichever qiskit runs pytest.
pytestmark = [pytest.mark.slow, pytest.mark.one_line, pytest.mark.timeout(900)]


@pytest.fixture
def fresh_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("clone")
    try:
        yield tracked_copy(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a virtualenv is hundreds of MB


def test_readme_install_then_serve_then_sdk_example(fresh_copy: Path) -> None:
    env = clean_environment()
    install = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", readme_block("Install", "bash")],
        cwd=fresh_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=800,
    )
    assert install.returncode == 0, install.stderr[-4000:]
    assert re.search(r"^ibmqjob 0\.1\.0 \(qiskit ", install.stdout, flags=re.MULTILINE)
    bin_dir = fresh_copy / ".venv" / "bin"

    serve_line = readme_block("Start a server", "bash").splitlines()[0].split("#")[0].split()
    assert serve_line == ["ibmqjob", "serve"]
    # The README's server, on a free port here (8390 may be taken by another test run).
    with serve(bin_dir, fresh_copy, env) as url:
        example = readme_sdk_example().replace(README_URL, url)
        example += "\nassert set(job.result().get_counts()) <= {'00', '11'}\nprint('example ok')\n"
        ran = subprocess.run(
            [str(bin_dir / "python"), "-c", example],
            cwd=fresh_copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr[-4000:]
        assert ran.stdout.endswith("example ok\n")
