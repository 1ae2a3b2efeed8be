"""The many-circuits benchmark runs end to end on a tiny size (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.legacy, pytest.mark.slow, pytest.mark.timeout(400)]


def test_a_tiny_run_reports_the_ratio_and_every_run(tmp_path: Path) -> None:
    if not (ROOT / ".venv-legacy" / "bin" / "python").exists():
        pytest.skip(".venv-legacy is missing (bash scripts/bootstrap --legacy)")
    output = tmp_path / "many.json"
    command = [sys.executable, "-m", "benchmarks.many_circuits", "--rounds", "1"]
    command += ["--circuits", "5", "--shots", "8", "--per-job", "2", "--output", str(output)]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=380, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    figure = json.loads(output.read_text())
    assert figure["ratio"] > 0 and figure["circuits"] == 5
    for client in ("ours", "original"):
        (run,) = figure["runs"][client]
        assert run["jobs"] == 3 and run["circuits"] == 5
        assert run["wall_s"] > 0 and run["server_cpu_s"] > 0
    assert figure["goal_met"] in (True, False, None)


def test_bad_sizes_are_refused() -> None:
    from benchmarks.many_circuits import many_circuits

    with pytest.raises(ValueError, match="positive"):
        many_circuits(rounds=0)
