"""The fault run: the SDK's life cycle under injected faults for a few minutes, and its report.

Usage (in ``.venv``, ``PYTHONPATH=.:generated``)::

    python -m benchmarks.faults [--minutes N | --seconds S] [--only NAME ...] [--json PATH]

Scenarios come from ``benchmarks/faultkit/proxy_scenarios.py`` and, when it exists,
``benchmarks/faultkit/hostile_scenarios.py``; each module has ``scenarios()``, a list of
``(name, run)`` where ``run()`` plays one bounded scenario and returns ``correct``,
``created_twice``, ``accepted_lost``, ``raw_exceptions``, ``late_calls`` and ``detail``. The
run cycles through them until the time is up (a scenario is started only while time is left,
and one that does not end within :data:`SCENARIO_LIMIT` seconds counts as late and wrong),
then prints the totals: scenarios tried, results correct, jobs created twice, accepted jobs
cancelled or reported failed, raw (undocumented) exceptions, calls late past their timeout,
and the peak memory (RSS) of this process, which holds the SDK and the proxy (the reference
server runs in a child process). The exit code is 0 when every scenario was correct and every
other count is 0, else 1.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import resource
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

MODULES = ("benchmarks.faultkit.proxy_scenarios", "benchmarks.faultkit.hostile_scenarios")
COUNTS = ("created_twice", "accepted_lost", "raw_exceptions", "late_calls")
SCENARIO_LIMIT = 180.0

Run = Callable[[], dict[str, object]]


def collect(only: Sequence[str] = ()) -> tuple[list[tuple[str, Run]], list[Any]]:
    """The scenarios of every module present (filtered by name), and the modules."""
    found: list[tuple[str, Run]] = []
    modules = []
    for name in MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        modules.append(module)
        found += [(n, run) for n, run in module.scenarios() if not only or n in only]
    return found, modules


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def play(name: str, run: Run) -> dict[str, object]:
    """Run one scenario in a thread, bounded by :data:`SCENARIO_LIMIT`."""
    box: list[dict[str, object]] = []

    def target() -> None:
        try:
            box.append(run())
        except Exception as err:  # the scenario itself broke: reported, not hidden
            box.append(
                {"correct": False, "detail": f"the scenario failed: {type(err).__name__}: {err}"}
            )

    thread = threading.Thread(target=target, daemon=True, name=f"scenario-{name}")
    thread.start()
    thread.join(SCENARIO_LIMIT)
    if not box:
        return {"correct": False, "late_calls": 1, "detail": f"no end after {SCENARIO_LIMIT} s"}
    return box[0]


def fault_run(
    seconds: float, only: Sequence[str] = (), log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Cycle through the scenarios for ``seconds``; the report (see the module docstring)."""
    found, modules = collect(only)
    if not found:
        raise SystemExit("no scenario to run")
    rss_start = _rss_mb()
    start = time.monotonic()
    totals: dict[str, Any] = {"tried": 0, "correct": 0, **dict.fromkeys(COUNTS, 0)}
    per: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    index = 0
    try:
        while index == 0 or time.monotonic() - start < seconds:
            name, run = found[index % len(found)]
            index += 1
            began = time.monotonic()
            outcome = play(name, run)
            took = time.monotonic() - began
            row = per.setdefault(name, {"tried": 0, "correct": 0, **dict.fromkeys(COUNTS, 0)})
            ok = bool(outcome.get("correct"))
            for target in (totals, row):
                target["tried"] += 1
                target["correct"] += int(ok)
                for key in COUNTS:
                    value = outcome.get(key, 0)
                    target[key] += value if isinstance(value, int) else 0
            bad = not ok or any(outcome.get(key) for key in COUNTS)
            verdict = "ok  " if not bad else "BAD "
            log(f"{verdict}{name} ({took:.1f} s): {str(outcome.get('detail', ''))[:160]}")
            if bad:
                failures.append(f"{name}: {outcome}")
    finally:
        for module in modules:
            closing = getattr(module, "close", None)
            if callable(closing):
                closing()
    return {
        "seconds": round(time.monotonic() - start, 1),
        **totals,
        "kinds": len(found),
        "peak_rss_mb": round(_rss_mb(), 1),
        "start_rss_mb": round(rss_start, 1),
        "per_scenario": per,
        "failures": failures,
    }


def render(report: dict[str, Any]) -> str:
    """The report as text."""
    lines = [
        f"fault run: {report['seconds']} s, {report['tried']} scenarios tried "
        f"({report['kinds']} kinds), {report['correct']} results correct",
        f"jobs created twice: {report['created_twice']}",
        f"accepted jobs cancelled or reported failed by the SDK: {report['accepted_lost']}",
        f"raw (undocumented) exceptions: {report['raw_exceptions']}",
        f"calls late past their timeout: {report['late_calls']}",
        f"peak client memory (RSS): {report['peak_rss_mb']} MB "
        f"(at start {report['start_rss_mb']} MB)",
        "",
        f"{'scenario':<34} tried correct twice lost raw late",
    ]
    for name, row in report["per_scenario"].items():
        lines.append(
            f"{name:<34} {row['tried']:>5} {row['correct']:>7} {row['created_twice']:>5} "
            f"{row['accepted_lost']:>4} {row['raw_exceptions']:>3} {row['late_calls']:>4}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fault run from the command line; 0 when everything held."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults", description=__doc__)
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=3.0, help="length (default 3)")
    length.add_argument("--seconds", type=float, help="length in seconds")
    parser.add_argument("--only", nargs="+", default=(), help="run only these scenarios")
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else args.minutes * 60
    if not 0 < seconds <= 3600:
        parser.error("the run must last between 0 and 60 minutes")

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    report = fault_run(seconds, args.only, log)
    print(render(report))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)
    held = report["correct"] == report["tried"] and not any(report[key] for key in COUNTS)
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
