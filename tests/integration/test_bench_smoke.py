"""The benchmark command runs end to end in its quick mode (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# scripts/bench runs both clients in .venv and .venv-legacy, whichever qiskit runs pytest.
pytestmark = [pytest.mark.legacy, pytest.mark.slow, pytest.mark.one_line, pytest.mark.timeout(400)]

Results = dict[str, Any]


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    if not (ROOT / ".venv-legacy" / "bin" / "python").exists():
        pytest.skip(".venv-legacy is missing (bash scripts/bootstrap --legacy)")
    output = tmp_path_factory.mktemp("bench") / "results.json"
    # The run's own temporary folder: whatever the benchmark leaves behind stays visible here.
    temp = tmp_path_factory.mktemp("bench-tmp")
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "bench"), "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=390,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results: Results = dict(json.loads(output.read_text()))
    results["stdout"] = done.stdout
    results["left_in_temp"] = sorted(path.name for path in temp.iterdir())
    return results


def test_the_run_leaves_nothing_in_the_temporary_folder(quick_results: Results) -> None:
    assert quick_results["left_in_temp"] == []


def test_results_describe_the_run_the_machine_and_its_load(quick_results: Results) -> None:
    assert quick_results["size"] == "quick"
    assert quick_results["date"]
    machine = quick_results["machine"]
    assert machine["cores"] >= 1 and machine["memory_gb"] > 0
    assert machine["python_ours"] and machine["python_original"]
    assert len(machine["load_average_before"]) == 3
    assert len(machine["load_average_after"]) == 3


def test_a_quick_run_gives_no_verdict(quick_results: Results) -> None:
    assert quick_results["verdicts"]["given"] is False
    assert "quick run" in quick_results["verdicts"]["withheld_because"]
    assert " MET" not in quick_results["stdout"]
    assert "no verdict" in quick_results["stdout"]


def test_every_figure_of_the_goal_table_is_printed(quick_results: Results) -> None:
    stdout = quick_results["stdout"]
    for text in (
        "completion latency, median",
        "final frame with result URL",
        "HTTP requests + websockets per job",
        "in flight, client CPU per job",
        "in flight, failed jobs",
        "result() + every get_counts/get_memory",
        "peak memory (tracemalloc)",
        "jobs, client CPU",
        "replay of every cassette",
    ):
        assert text in stdout, text


def test_comparisons_alternate_rounds_of_both_clients(quick_results: Results) -> None:
    latency = quick_results["figures"]["latency"]["data"]
    assert len(latency["ratio_per_round"]) == quick_results["sizes"]["rounds"]
    for client in ("ours", "original"):
        assert len(latency[client]["samples_ms"]) == latency["jobs_per_process"] * len(
            latency["ratio_per_round"]
        )
        # result() returns after the server marked the job done, never before.
        assert min(latency[client]["samples_ms"]) > 0


def test_requests_are_counted_at_the_server_for_each_life_cycle(quick_results: Results) -> None:
    latency = quick_results["figures"]["latency"]["data"]
    for client in ("ours", "original"):
        per_job = latency[client]
        # At least: create, upload, jobDataUploaded, and the result download.
        assert per_job["http_per_job"] >= 4
        assert per_job["per_route_per_job"]["POST /api/{hgp}/Jobs"] == 1
        assert per_job["websockets_per_job"] >= 1


def test_jobs_in_flight_report_rate_cpu_and_failures(quick_results: Results) -> None:
    levels = quick_results["figures"]["inflight"]["data"]["levels"]
    assert set(levels) == {str(n) for n in quick_results["sizes"]["inflight"]}
    for level in levels.values():
        for client in ("ours", "original"):
            assert level[client]["jobs_per_s"] > 0
            assert level[client]["cpu_ms_per_job"] >= 0
            assert level[client]["errors"] == 0, level[client]["error_samples"]


def test_big_result_and_listing_were_really_done(quick_results: Results) -> None:
    figures = quick_results["figures"]
    big = figures["big"]["data"]
    entry = big["sizes"][str(quick_results["sizes"]["big_goal"])]
    for client in ("ours", "original"):
        assert entry[client]["result_s"] > 0
        assert entry[client]["everything_s"] >= entry[client]["result_s"]
        assert entry[client]["tracemalloc_peak_mb"] > 0
    assert big["floor"]["payload_mb"] > 0
    listing = figures["listing"]["data"]["sizes"]
    assert set(listing) == {str(n) for n in quick_results["sizes"]["listing"]}
    for entry in listing.values():
        assert entry["ours"]["requests"] >= 1 and entry["original"]["requests"] >= 1


def test_the_readme_table_can_be_written(quick_results: Results, tmp_path: Path) -> None:
    from benchmarks import report

    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n\n{report.README_BEGIN}\nold table\n{report.README_END}\nrest\n")
    report.write_readme(quick_results, readme)
    text = readme.read_text()
    assert "old table" not in text and text.endswith(f"{report.README_END}\nrest\n")
    assert quick_results["date"] in text
    assert "| completion latency, median |" in text
