"""The benchmark command runs end to end on a tiny size (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# scripts/bench runs both clients in .venv and .venv-legacy, whichever qiskit runs pytest.
pytestmark = [pytest.mark.legacy, pytest.mark.slow, pytest.mark.one_line, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not (ROOT / ".venv-legacy" / "bin" / "python").exists():
        pytest.skip(".venv-legacy is missing (bash scripts/bootstrap --legacy)")
    output = tmp_path_factory.mktemp("bench") / "results.json"
    # The run's own temporary folder: whatever the benchmark leaves behind stays visible here.
    temp = tmp_path_factory.mktemp("bench-tmp")
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "bench"), "--tiny", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=230,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "ours/original" in done.stdout
    results = dict(json.loads(output.read_text()))
    results["left_in_temp"] = sorted(path.name for path in temp.iterdir())
    return results


def test_the_run_leaves_nothing_in_the_temporary_folder(tiny_results: dict) -> None:
    assert tiny_results["left_in_temp"] == []


def test_results_describe_the_run_and_the_machine(tiny_results: dict) -> None:
    assert tiny_results["size"] == "tiny"
    assert tiny_results["date"]
    machine = tiny_results["machine"]
    assert machine["cores"] >= 1 and machine["memory_gb"] > 0
    assert machine["python_ours"] and machine["python_original"]


def test_every_benchmark_compares_both_clients(tiny_results: dict) -> None:
    benchmarks = tiny_results["benchmarks"]
    for name in ("completion_latency", "requests_per_job", "throughput", "big_result", "listing"):
        section = benchmarks[name]
        assert set(section) >= {"ours", "original", "goal", "met"}, name
        assert isinstance(section["met"], bool), name
    assert benchmarks["replay"]["status"].startswith("skipped")


def test_latency_has_one_sample_per_job(tiny_results: dict) -> None:
    latency = tiny_results["benchmarks"]["completion_latency"]
    for client in ("ours", "original"):
        assert len(latency[client]["samples_ms"]) == latency["jobs"]
        # result() returns after the server marked the job done, never before.
        assert latency[client]["min_ms"] > 0
    assert latency["ratio_median"] > 0


def test_each_life_cycle_is_counted_at_the_server(tiny_results: dict) -> None:
    requests = tiny_results["benchmarks"]["requests_per_job"]
    for client in ("ours", "original"):
        per_job = requests[client]
        # At least: create, upload, jobDataUploaded, and the result download.
        assert per_job["http_per_job"] >= 4
        assert per_job["per_route_per_job"]["POST /api/{hgp}/Jobs"] == 1


def test_big_result_and_listing_were_really_done(tiny_results: dict) -> None:
    benchmarks = tiny_results["benchmarks"]
    big = benchmarks["big_result"]
    assert big["ours"]["time_s"] > 0 and big["original"]["time_s"] > 0
    assert big["ours"]["tracemalloc_peak_mb"] > 0
    listing = benchmarks["listing"]
    assert listing["ours"]["requests_per_listing"] >= 1
    assert tiny_results["floor"]["payload_mb"] > 0
    assert benchmarks["throughput"]["raw_protocol"]["jobs_per_s"] > 0
