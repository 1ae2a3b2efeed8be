"""The server-alone benchmark runs end to end on a tiny size (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.serveralone import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def test_tiny_run_reports_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "alone.json"
    assert (
        main(
            [
                "--jobs",
                "4",
                "--workers",
                "2",
                "--sizes",
                "15,60",
                "--queued",
                "3,8",
                "--output",
                str(output),
            ]
        )
        == 0
    )
    report = json.loads(output.read_text())
    assert json.loads(capsys.readouterr().out) == report
    throughput = report["throughput"]
    assert throughput["jobs"] == 4 and throughput["jobs_per_s"] > 0
    assert throughput["server_cpu_ms_per_job"] > 0
    assert [row["jobs"] for row in report["listing"]] == [15, 60]
    assert [row["pages"] for row in report["listing"]] == [1, 2]
    assert all(row["first_page_ms"] > 0 and row["all_pages_s"] > 0 for row in report["listing"])
    assert [row["queued"] for row in report["status"]] == [3, 8]
    assert all(0 < row["status_p50_ms"] <= row["status_p90_ms"] for row in report["status"])
