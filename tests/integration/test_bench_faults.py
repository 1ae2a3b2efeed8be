"""The fault run (``python -m benchmarks.faults``) runs end to end for a few seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_fault_run_reports_every_count(tmp_path: Path) -> None:
    report_file = tmp_path / "faults.json"
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'generated'}",
    }
    command = [sys.executable, "-m", "benchmarks.faults", "--seconds", "3", "--json"]
    command += [str(report_file), "--only", "callback-cut", "status-slow-reply"]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for line in (
        "scenarios tried",
        "jobs created twice: 0",
        "accepted jobs cancelled or reported failed by the SDK: 0",
        "raw (undocumented) exceptions: 0",
        "calls late past their timeout: 0",
        "peak client memory (RSS):",
    ):
        assert line in done.stdout
    report = json.loads(report_file.read_text())
    assert report["tried"] >= 1 and report["correct"] == report["tried"]
    assert set(report["per_scenario"]) <= {"callback-cut", "status-slow-reply"}
    assert report["peak_rss_mb"] > 0
    assert list(temp.iterdir()) == []  # the server's data went with the run


def test_the_run_refuses_a_length_out_of_bounds() -> None:
    from benchmarks import faults

    with pytest.raises(SystemExit):
        faults.main(["--minutes", "0"])
