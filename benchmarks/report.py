"""The benchmark report: the machine, the verdicts, the table, ``results.json`` and README."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.processes import PYTHONS

README_BEGIN = "<!-- bench:begin (scripts/bench --write-readme) -->"
README_END = "<!-- bench:end -->"
MIN_ROUNDS = 5


def machine() -> dict[str, Any]:
    """Cores, memory, CPU and the Python versions of the harness and of both clients."""
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "memory_gb": None,
        "cpu": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    info["memory_gb"] = round(int(line.split()[1]) / 2**20, 1)
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for client, python in PYTHONS.items():
        done = subprocess.run(
            [str(python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
        )
        info[f"python_{client}"] = done.stdout.strip() or None
    return info


def verdict_policy(size: str, info: dict[str, Any], rounds: int) -> dict[str, Any]:
    """Whether this run may give MET / NOT MET verdicts, and why not.

    No verdicts on a quick run, with fewer than five rounds, or when the machine's load
    average (1 minute, before or after the run) was above one per core.
    """
    cores = info.get("cores") or 1
    load = max(info["load_average_before"][0], info["load_average_after"][0])
    reasons = []
    if size == "quick":
        reasons.append("quick run")
    if rounds < MIN_ROUNDS:
        reasons.append(f"{rounds} rounds, fewer than {MIN_ROUNDS}")
    warning = None
    if load > cores:
        warning = (
            f"WARNING: load average {load:.2f} on {cores} cores (above one per core): "
            "other work disturbed the run; no verdicts"
        )
        reasons.append(f"load {load:.2f} on {cores} cores")
    return {"given": not reasons, "withheld_because": reasons, "warning": warning}


def verdict(row: dict[str, Any], policy: dict[str, Any]) -> str:
    """The verdict of a table row: MET, NOT MET, no verdict, or empty (no goal)."""
    if not row["goal"]:
        return ""
    if row["met"] is None:
        return "not measured"
    if not policy["given"]:
        return "no verdict"
    return "MET" if row["met"] else "NOT MET"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"


def table(results: dict[str, Any]) -> list[list[str]]:
    """Every row of every figure: figure, original, ours, ours/original, goal, verdict."""
    policy = results["verdicts"]
    rows = []
    for section in results["figures"].values():
        for row in section["rows"]:
            rows.append(
                [
                    row["figure"],
                    row["original"],
                    row["ours"],
                    _ratio(row["ratio"]),
                    row["goal"],
                    verdict(row, policy),
                ]
            )
    return rows


HEADER = ["figure", "original", "ibmqjob", "ibmqjob/original", "goal", "verdict"]


def render(results: dict[str, Any]) -> str:
    """The table as aligned text, with the machine, its load and the verdict policy."""
    rows = [HEADER, *table(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append("")
    lines.append(describe(results))
    policy = results["verdicts"]
    if policy["warning"]:
        lines.append(policy["warning"])
    if not policy["given"]:
        lines.append("verdicts withheld: " + "; ".join(policy["withheld_because"]))
    return "\n".join(lines)


def describe(results: dict[str, Any]) -> str:
    """One line: date, machine, load before and after, rounds."""
    info = results["machine"]
    before, after = info["load_average_before"][0], info["load_average_after"][0]
    return (
        f"{results['date']}, {info['cores']} cores ({info['cpu']}), {info['memory_gb']} GiB, "
        f"Python {info['python']}; load average {before:.2f} before, {after:.2f} after; "
        f"{results['sizes']['rounds']} alternating rounds, medians of per-round ratios"
    )


def markdown(results: dict[str, Any]) -> str:
    """The table in Markdown, under a line with the date and the machine."""
    lines = [f"Latest run: {describe(results)}.", ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("| " + " | ".join("---" for _ in HEADER) + " |")
    for row in table(results):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    policy = results["verdicts"]
    if not policy["given"]:
        lines.append("")
        lines.append("No verdicts: " + "; ".join(policy["withheld_because"]) + ".")
    return "\n".join(lines)


def write_readme(results: dict[str, Any], path: Path) -> None:
    """Replace the table between the README's bench markers with this run's.

    Raises:
        ValueError: If the README has no pair of markers.
    """
    text = path.read_text()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        raise ValueError(f"{path} has no {README_BEGIN!r} ... {README_END!r} block")
    block = f"{README_BEGIN}\n{markdown(results)}\n"
    path.write_text(text[:begin] + block + text[end:])


def write(results: dict[str, Any], path: Path) -> None:
    """Write ``results.json``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


def now() -> str:
    """The current time, ISO 8601 in UTC."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
