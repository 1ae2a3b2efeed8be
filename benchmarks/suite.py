"""The benchmarks: each one runs both clients against the same server and compares them.

Every figure is reported for both clients and as the ratio ours/original. A section is a
dict ready for ``results.json``; :mod:`benchmarks.report` turns sections into the table.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.processes import (
    CLIENTS,
    PYTHONS,
    ROOT,
    BenchmarkError,
    BenchServer,
    clean_environment,
    run_client,
)
from benchmarks.stats import median, percentile, ratio, rounded


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark is."""

    name: str
    latency_jobs: int
    throughput_jobs: int
    throughput_workers: int
    big_experiments: int
    big_shots: int
    big_repeats: int
    listing_jobs: int
    listing_repeat: int
    run_delay: float
    replay: bool


FULL = Sizes("full", 50, 200, 8, 300, 8192, 7, 1000, 5, 0.1, True)
TINY = Sizes("tiny", 5, 20, 4, 10, 256, 1, 50, 1, 0.05, False)

SMALL_SHOTS = 64


@dataclass
class Context:
    """What every benchmark gets."""

    sizes: Sizes
    sdk_path: str | None = None
    log: Callable[[str], None] = print

    def client(self, client: str, workload: str, server: BenchServer, **options: Any) -> Any:
        """Run a workload with one client (our client from ``sdk_path`` when given)."""
        started = time.perf_counter()
        report = run_client(client, workload, server, sdk_path=self.sdk_path, **options)
        self.log(f"  {workload:<11} {client:<8} {time.perf_counter() - started:6.1f} s")
        return report


def goal(met: bool | None, text: str) -> dict[str, Any]:
    """The goal of a benchmark and whether it was met (``None``: not measured)."""
    return {"goal": text, "met": met}


# ------------------------------------------------------------------ 1 and 2


def completion_latency(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """Completion latency (1) and requests per job (2), from the same life cycles.

    Each client submits a job and blocks in ``result()`` with its defaults, one job after the
    other. The server notes when it saved each job as COMPLETED; the client notes when
    ``result()`` returned; the latency is the difference (same machine, same clock). A run
    delay keeps each job running until the client is waiting in ``result()``.
    """
    sizes = ctx.sizes
    latency: dict[str, Any] = {"jobs": sizes.latency_jobs, "run_delay_s": sizes.run_delay}
    requests: dict[str, Any] = {"jobs": sizes.latency_jobs}
    with BenchServer(run_delay=sizes.run_delay) as server:
        for client in CLIENTS:
            report = ctx.client(
                client, "latency", server, jobs=sizes.latency_jobs, shots=SMALL_SHOTS
            )
            ids = [job["id"] for job in report["jobs"]]
            instants = server.control("instants", {"ids": ids})
            samples = [
                (job["returned"] - instants[job["id"]]["final"]) * 1000 for job in report["jobs"]
            ]
            latency[client] = {
                "median_ms": rounded(median(samples)),
                "p95_ms": rounded(percentile(samples, 0.95)),
                "min_ms": rounded(min(samples)),
                "max_ms": rounded(max(samples)),
                "samples_ms": [rounded(s) for s in samples],
            }
            counters = report["counters"]
            jobs = sizes.latency_jobs
            requests[client] = {
                "http_per_job": rounded(counters["http"] / jobs),
                "websockets_per_job": rounded(counters["websockets"] / jobs),
                "per_route_per_job": {
                    route: rounded(count / jobs) for route, count in counters["per_route"].items()
                },
                "server_ms_per_job": rounded(counters["server_seconds"] * 1000 / jobs),
            }
    latency["ratio_median"] = rounded(
        ratio(latency["ours"]["median_ms"], latency["original"]["median_ms"])
    )
    latency["ratio_p95"] = rounded(ratio(latency["ours"]["p95_ms"], latency["original"]["p95_ms"]))
    latency.update(
        goal(
            latency["ratio_median"] is not None and latency["ratio_median"] <= 0.5,
            "ours median <= 0.5 x original median",
        )
    )
    ours, original = requests["ours"], requests["original"]
    requests["ratio_http"] = rounded(ratio(ours["http_per_job"], original["http_per_job"]))
    requests["ratio_websockets"] = rounded(
        ratio(ours["websockets_per_job"], original["websockets_per_job"])
    )
    requests.update(
        goal(
            ours["http_per_job"] <= original["http_per_job"]
            and ours["websockets_per_job"] <= original["websockets_per_job"],
            "ours <= original (HTTP requests and websocket connections per job)",
        )
    )
    return latency, requests


# ------------------------------------------------------------------ 3


def throughput(ctx: Context) -> dict[str, Any]:
    """Many small jobs from one process: jobs per second, and whether the server limits it.

    The original is used as its users write it: submit every job, then ``result()`` each.
    Every configuration runs twice and the faster run is kept.
    Ours is run the same way and with a thread pool (the SDK's objects are thread-safe:
    one ``httpx.Client`` per account). The server's side: each job's RUNNING-to-final time
    (one worker per backend runs jobs one at a time), summed, is the least time the server
    needs for the batch; ``server_share`` is that busy time over the client's wall time.
    """
    sizes = ctx.sizes
    section: dict[str, Any] = {"jobs": sizes.throughput_jobs}
    runs = [
        ("original", "original", 1),
        ("ours_sequential", "ours", 1),
        ("ours", "ours", sizes.throughput_workers),
    ]
    with BenchServer() as server:
        # Each run twice, alternating, keeping the faster: other work on the machine only
        # ever slows a run down.
        for key, client, workers in runs + runs:
            report = ctx.client(
                client,
                "throughput",
                server,
                jobs=sizes.throughput_jobs,
                workers=workers,
                shots=SMALL_SHOTS,
            )
            instants = server.control("instants", {"ids": report["ids"]})
            busy = sum(i["final"] - i["running"] for i in instants.values())
            span = max(i["final"] for i in instants.values()) - min(
                i["running"] for i in instants.values()
            )
            counters = report["counters"]
            if key in section and section[key]["jobs_per_s"] >= report["jobs_per_s"]:
                continue
            section[key] = {
                "workers": workers,
                "elapsed_s": rounded(report["elapsed_s"]),
                "jobs_per_s": rounded(report["jobs_per_s"], 2),
                "server_busy_s": rounded(busy),
                "server_span_s": rounded(span),
                "server_capacity_jobs_per_s": rounded(len(instants) / busy, 2) if busy else None,
                "server_share": rounded(busy / report["elapsed_s"]),
                "server_http_s": rounded(counters["server_seconds"]),
                "server_cpu_s": rounded(counters["cpu_seconds"]),
                "server_cpu_ms_per_job": rounded(counters["cpu_seconds"] * 1000 / len(instants)),
                "server_cpu_share": rounded(counters["cpu_seconds"] / report["elapsed_s"]),
                "http_requests": counters["http"],
                "websockets": counters["websockets"],
            }
        section["raw_protocol"] = max(
            (raw_protocol(ctx, server) for _ in range(2)), key=lambda run: run["jobs_per_s"]
        )
    section["ratio"] = rounded(
        ratio(section["ours"]["jobs_per_s"], section["original"]["jobs_per_s"])
    )
    section["ratio_raw_protocol"] = rounded(
        ratio(section["raw_protocol"]["jobs_per_s"], section["original"]["jobs_per_s"])
    )
    section["ratio_sequential"] = rounded(
        ratio(section["ours_sequential"]["jobs_per_s"], section["original"]["jobs_per_s"])
    )
    # The server runs its HTTP handlers, validation and job workers under one GIL: when its
    # CPU time nears the wall time, it cannot go faster, whatever the client does.
    section["server_bound"] = section["ours"]["server_cpu_share"] >= 0.8
    section.update(
        goal(section["ratio"] is not None and section["ratio"] >= 3, "ours >= 3 x original jobs/s")
    )
    return section


def raw_protocol(ctx: Context, server: BenchServer) -> dict[str, Any]:
    """The same jobs through the bare protocol (``benchmarks/rawclient.py``): the ceiling."""
    sizes = ctx.sizes
    server.control("reset")
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(PYTHONS["ours"]),
            str(ROOT / "benchmarks" / "rawclient.py"),
            f"--url={server.auth_url}",
            f"--token={server.token}",
            f"--jobs={sizes.throughput_jobs}",
            f"--workers={sizes.throughput_workers}",
            f"--shots={SMALL_SHOTS}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_environment(),
    )
    ctx.log(f"  throughput  raw      {time.perf_counter() - started:6.1f} s")
    if done.returncode != 0:
        raise BenchmarkError(f"raw protocol client failed:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    counters = server.control("counters")
    return {
        "workers": sizes.throughput_workers,
        "elapsed_s": rounded(report["elapsed_s"]),
        "jobs_per_s": rounded(report["jobs_per_s"], 2),
        "server_cpu_s": rounded(counters["cpu_seconds"]),
        "server_cpu_ms_per_job": rounded(counters["cpu_seconds"] * 1000 / sizes.throughput_jobs),
        "http_requests": counters["http"],
    }


# ------------------------------------------------------------------ 4


def big_result(ctx: Context, server: BenchServer) -> tuple[dict[str, Any], str]:
    """Download a large result and turn it into a qiskit ``Result``: time and peak memory.

    One job of ``big_experiments`` x ``big_shots`` shots with ``memory=True`` is run once;
    each client then retrieves it and times ``result()`` in fresh processes (alternating
    clients, ``big_repeats`` times; the median is kept), plus one process each with
    ``tracemalloc``.

    Returns:
        The section and the id of the big job (for the floor and the profile).
    """
    sizes = ctx.sizes
    made = ctx.client(
        "ours",
        "submit-big",
        server,
        experiments=sizes.big_experiments,
        shots=sizes.big_shots,
    )
    if made["status"] != "DONE":
        raise RuntimeError(f"the big job ended {made['status']}")
    job_id = made["id"]
    section: dict[str, Any] = {
        "experiments": sizes.big_experiments,
        "shots": sizes.big_shots,
        "memory": True,
        "server_run_s": rounded(made["elapsed_s"]),
    }
    runs: dict[str, list[dict[str, Any]]] = {client: [] for client in CLIENTS}
    for _ in range(sizes.big_repeats):
        for client in CLIENTS:
            runs[client].append(
                ctx.client(client, "big-result", server, job_id=job_id, shots=sizes.big_shots)
            )
    for client in CLIENTS:
        traced = ctx.client(
            client, "big-result", server, job_id=job_id, shots=sizes.big_shots, tracemalloc=True
        )
        times = [run["elapsed_s"] for run in runs[client]]
        section[client] = {
            "time_s": rounded(median(times)),
            "times_s": [rounded(t) for t in times],
            "rss_growth_mb": rounded(
                median([run["rss_growth_bytes"] for run in runs[client]]) / 2**20, 1
            ),
            "tracemalloc_peak_mb": rounded(traced["tracemalloc_peak_bytes"] / 2**20, 1),
        }
    ours, original = section["ours"], section["original"]
    section["ratio_time"] = rounded(ratio(ours["time_s"], original["time_s"]))
    section["ratio_rss"] = rounded(ratio(ours["rss_growth_mb"], original["rss_growth_mb"]))
    section["ratio_tracemalloc"] = rounded(
        ratio(ours["tracemalloc_peak_mb"], original["tracemalloc_peak_mb"])
    )
    memory_ratios = [r for r in (section["ratio_rss"], section["ratio_tracemalloc"]) if r]
    section.update(
        goal(
            section["ratio_time"] is not None
            and section["ratio_time"] <= 0.5
            and bool(memory_ratios)
            and max(memory_ratios) <= 0.7,
            "ours <= 0.5 x time and <= 0.7 x peak memory (RSS growth and tracemalloc)",
        )
    )
    return section, job_id


# ------------------------------------------------------------------ 5


def listing(ctx: Context, server: BenchServer) -> dict[str, Any]:
    """``backend.jobs(limit=N)`` over N stored jobs.

    One real job is run; the server's store then gets N - 1 copies of its record (new ids,
    earlier creation dates), so the listing returns N real job documents.
    """
    sizes = ctx.sizes
    made = ctx.client("ours", "submit-big", server, experiments=1, shots=SMALL_SHOTS, qubits=2)
    server.control("clone", {"job_id": made["id"], "count": sizes.listing_jobs - 1})
    section: dict[str, Any] = {"stored_jobs": sizes.listing_jobs, "limit": sizes.listing_jobs}
    for client in CLIENTS:
        report = ctx.client(
            client, "listing", server, limit=sizes.listing_jobs, repeat=sizes.listing_repeat
        )
        counters = report["counters"]
        server_s = sum(
            seconds
            for route, seconds in counters["server_seconds_per_route"].items()
            if "/Jobs/status/v/1" in route
        )
        pages = sum(n for route, n in counters["per_route"].items() if "/Jobs/status/v/1" in route)
        time_s = median(report["times_s"])
        per_listing_server = server_s / sizes.listing_repeat
        section[client] = {
            "time_s": rounded(time_s),
            "times_s": [rounded(t) for t in report["times_s"]],
            "requests_per_listing": rounded(pages / sizes.listing_repeat, 1),
            "server_s_per_listing": rounded(per_listing_server),
            "client_s_per_listing": rounded(time_s - per_listing_server),
        }
    ours, original = section["ours"], section["original"]
    section["ratio"] = rounded(ratio(ours["time_s"], original["time_s"]))
    section["ratio_client_side"] = rounded(
        ratio(ours["client_s_per_listing"], original["client_s_per_listing"])
    )
    section.update(
        goal(section["ratio"] is not None and section["ratio"] <= 0.5, "ours <= 0.5 x original")
    )
    return section


# ------------------------------------------------------------------ 6


def replay(ctx: Context) -> dict[str, Any]:
    """Wall time of the recorded-session suite, ``pytest tests/replay -q``."""
    if not ctx.sizes.replay:
        return {"status": "skipped (--tiny)", **goal(None, "under 30 s")}
    folder = ROOT / "tests" / "replay"
    if not folder.is_dir() or not any(folder.glob("test_*.py")):
        return {"status": "not available", **goal(None, "under 30 s")}
    started = time.perf_counter()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pytest"), "tests/replay", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    passed = done.returncode == 0
    ctx.log(f"  replay suite        {wall:6.1f} s ({summary})")
    return {
        "status": "passed" if passed else f"failed (exit {done.returncode})",
        "wall_s": rounded(wall, 2),
        "pytest_summary": summary,
        **goal(passed and wall < 30, "under 30 s"),
    }


def profile_paths(ctx: Context, server: BenchServer, big_job: str, out: Path) -> dict[str, Any]:
    """cProfile our client on its slow paths (big result, listing); write the raw stats."""
    from benchmarks.profiles import summarize

    sizes = ctx.sizes
    out.mkdir(parents=True, exist_ok=True)
    summaries: dict[str, Any] = {}
    big = out / "ours-big-result.prof"
    ctx.client("ours", "big-result", server, job_id=big_job, shots=sizes.big_shots, profile=big)
    summaries["big_result"] = summarize(big)
    lst = out / "ours-listing.prof"
    ctx.client("ours", "listing", server, limit=sizes.listing_jobs, repeat=1, profile=lst)
    summaries["listing"] = summarize(lst)
    return summaries
