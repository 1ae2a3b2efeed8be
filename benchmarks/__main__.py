"""Compare ibmqjob with the original client on the same reference server (``scripts/bench``).

Usage::

    .venv/bin/python -m benchmarks [--tiny] [--output PATH] [--only NAME ...] [--sdk DIR]

A full run writes ``benchmarks/results.json``; ``--tiny`` runs every benchmark on a tiny
size and writes only with ``--output``. ``--sdk DIR`` benchmarks the ``ibmqjob`` package
found in ``DIR`` (a scratch copy with a change to try) instead of the installed one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import floor, report, suite
from benchmarks.processes import ROOT, BenchmarkError, BenchServer, missing_interpreters

NAMES = ("latency", "throughput", "big", "listing", "replay")


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="run only these benchmarks")
    parser.add_argument("--sdk", help="directory holding an ibmqjob package to benchmark")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the benchmarks; return the results document."""
    sizes = suite.TINY if args.tiny else suite.FULL
    load_before = os.getloadavg()[0]
    ctx = suite.Context(sizes, sdk_path=args.sdk, log=log)
    wanted = set(args.only or NAMES)
    benchmarks: dict[str, Any] = {}
    floors: dict[str, Any] = {}
    profiles: dict[str, Any] = {}
    if "latency" in wanted:
        log("1-2 completion latency and requests per job")
        benchmarks["completion_latency"], benchmarks["requests_per_job"] = suite.completion_latency(
            ctx
        )
    if "throughput" in wanted:
        log("3 throughput")
        benchmarks["throughput"] = suite.throughput(ctx)
    if wanted & {"big", "listing"}:
        with BenchServer() as server:
            floors.update(floor.loopback_floor(server))
            big_job = None
            if "big" in wanted:
                log("4 big result")
                benchmarks["big_result"], big_job = suite.big_result(ctx, server)
                floors.update(floor.payload_floor(server, big_job))
            if "listing" in wanted:
                log("5 listing")
                benchmarks["listing"] = suite.listing(ctx, server)
            if big_job and "listing" in wanted and not args.no_profile:
                log("profiles of our client")
                with tempfile.TemporaryDirectory(prefix="ibmqjob-bench-prof-") as folder:
                    profiles = suite.profile_paths(ctx, server, big_job, Path(folder))
    if "replay" in wanted:
        log("6 replay")
        benchmarks["replay"] = suite.replay(ctx)
    return {
        "date": report.now(),
        "size": sizes.name,
        "sizes": vars(sizes),
        "sdk": args.sdk or "installed ibmqjob",
        "machine": {**report.machine(), "load_average_1min_before": load_before},
        "benchmarks": benchmarks,
        "floor": floors,
        "profiles": profiles,
    }


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, write the JSON."""
    args = parse_args(argv)
    missing = missing_interpreters()
    if missing:
        log(f"missing virtual environments for: {', '.join(missing)} (run scripts/bootstrap)")
        return 2
    started = time.perf_counter()
    try:
        results = run(args)
    except BenchmarkError as err:
        log(f"benchmark failed: {err}")
        return 1
    results["wall_s"] = round(time.perf_counter() - started, 1)
    print(report.render(results))
    output = args.output or (None if args.tiny else ROOT / "benchmarks" / "results.json")
    if output is not None:
        report.write(results, output)
        log(f"results written to {output}")
    log(f"benchmark wall time {results['wall_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
