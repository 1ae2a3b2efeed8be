"""Compare ibmqjob with the original client on the same reference server (``scripts/bench``).

Usage::

    .venv/bin/python -m benchmarks [--quick] [--output PATH] [--only NAME ...] [--sdk DIR]
                                   [--write-readme]

A full run writes ``benchmarks/results.json``; ``--quick`` runs every figure on a tiny size
in two rounds (a smoke test, no verdicts) and writes only with ``--output``.
``--write-readme`` puts the table of the run, with its date and machine, in README.md.
``--sdk DIR`` benchmarks the ``ibmqjob`` package found in ``DIR`` (a scratch copy with a
change to try) instead of the installed one.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import report, suite
from benchmarks.processes import ROOT, BenchmarkError, missing_interpreters


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    names = [f.name for f in suite.FIGURES]
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", "--tiny", action="store_true", help="tiny sizes, two rounds (smoke test)"
    )
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument("--only", nargs="+", choices=names, help="run only these figures")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 5; quick 2)")
    parser.add_argument("--sdk", help="directory holding an ibmqjob package to benchmark")
    parser.add_argument(
        "--write-readme", action="store_true", help="write the table into README.md"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the figures; return the results document."""
    sizes = suite.QUICK if args.quick else suite.FULL
    if args.rounds:
        sizes = dataclasses.replace(sizes, rounds=args.rounds)
    load_before = os.getloadavg()
    ctx = suite.Context(sizes, sdk_path=args.sdk, log=log)
    wanted = set(args.only or [f.name for f in suite.FIGURES])
    figures: dict[str, Any] = {}
    for item in suite.FIGURES:
        if item.name not in wanted:
            continue
        log(f"{item.name}: {item.title}")
        section = item.run(ctx)
        figures[item.name] = {
            "title": item.title,
            "rows": [dataclasses.asdict(row) for row in section.rows],
            "data": section.data,
        }
    load_after = os.getloadavg()
    machine = report.machine()
    machine["load_average_before"] = [round(x, 2) for x in load_before]
    machine["load_average_after"] = [round(x, 2) for x in load_after]
    return {
        "date": report.now(),
        "size": sizes.name,
        "sizes": dataclasses.asdict(sizes),
        "sdk": args.sdk or "installed ibmqjob",
        "machine": machine,
        "verdicts": report.verdict_policy(sizes.name, machine, sizes.rounds),
        "client_exit_cpu_s": {k: round(v, 4) for k, v in ctx.exit_cpu_s.items()},
        "figures": figures,
    }


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, write the JSON (and the README table)."""
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
    output = args.output or (None if args.quick else ROOT / "benchmarks" / "results.json")
    if output is not None:
        report.write(results, output)
        log(f"results written to {output}")
    if args.write_readme:
        report.write_readme(results, ROOT / "README.md")
        log("README.md table updated")
    log(f"benchmark wall time {results['wall_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
