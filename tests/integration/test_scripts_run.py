"""``scripts/run``, the main job, as a user runs it: its own light virtualenv, then a circuit.

The first run in a checkout installs ``.venv-run`` (about a minute with a warm pip cache);
later runs reuse it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-run"

# scripts/run uses its own virtualenv: the same whichever qiskit runs pytest.
pytestmark = [pytest.mark.slow, pytest.mark.one_line, pytest.mark.timeout(900)]

# The development toolchain, which running a circuit does not need.
DEV_ONLY = {"pytest", "ruff", "mypy", "hypothesis", "schemathesis", "openapi-python-client"}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("IBMQJOB_", "QE_", "PYTHON", "VIRTUAL_ENV"))
    }
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "run"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=850,
    )


def test_scripts_run_installs_only_the_sdk_and_the_server(tmp_path: Path) -> None:
    circuit = tmp_path / "x.qasm"
    circuit.write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nx q[1];\nmeasure q -> c;\n'
    )

    first = _run(tmp_path, "x.qasm", "--shots", "50")  # a path from the user's directory

    assert first.returncode == 0, first.stderr[-4000:]
    assert re.search(r"^Counts:\n  10: 50\n\Z", first.stdout, flags=re.MULTILINE)
    listed = subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    installed = {package["name"].lower() for package in json.loads(listed.stdout)}
    assert {"ibmqjob", "qiskit", "qiskit-aer", "uvicorn", "starlette"} <= installed
    assert not installed & DEV_ONLY

    again = _run(tmp_path, "--shots", "20", "--seed", "2")  # the stamp is current: no install
    assert again.returncode == 0, again.stderr[-4000:]
    assert "installing" not in again.stderr
    assert "Counts:" in again.stdout
