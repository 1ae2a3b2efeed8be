"""The benchmark report: the machine, the comparison table, and ``results.json``."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.processes import PYTHONS


def machine() -> dict[str, Any]:
    """Cores, memory, CPU and the Python versions of the harness and of both clients."""
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "memory_gb": None,
        "cpu": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_1min": os.getloadavg()[0],
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


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    else:
        text = str(value)
    return text + unit


def _row(
    name: str, figure: str, section: dict[str, Any], key: str, unit: str, ratio_key: str
) -> list[str]:
    original = section.get("original", {}).get(key)
    ours = section.get("ours", {}).get(key)
    return [name, figure, _fmt(original, unit), _fmt(ours, unit), _fmt(section.get(ratio_key))]


def table_rows(benchmarks: dict[str, Any]) -> list[list[str]]:
    """The rows of the comparison table: benchmark, figure, original, ours, ratio, goal."""
    rows: list[list[str]] = []
    lat = benchmarks.get("completion_latency")
    if lat:
        rows.append(_row("1 latency", "median", lat, "median_ms", " ms", "ratio_median"))
        rows.append(_row("", "p95", lat, "p95_ms", " ms", "ratio_p95"))
    req = benchmarks.get("requests_per_job")
    if req:
        rows.append(_row("2 requests/job", "HTTP", req, "http_per_job", "", "ratio_http"))
        rows.append(_row("", "websockets", req, "websockets_per_job", "", "ratio_websockets"))
    thr = benchmarks.get("throughput")
    if thr:
        rows.append(_row("3 throughput", "jobs/s", thr, "jobs_per_s", "", "ratio"))
        sequential = thr.get("ours_sequential", {}).get("jobs_per_s")
        rows.append(
            [
                "",
                "ours sequential",
                _fmt(thr["original"]["jobs_per_s"]),
                _fmt(sequential),
                _fmt(thr.get("ratio_sequential")),
            ]
        )
    big = benchmarks.get("big_result")
    if big:
        rows.append(_row("4 big result", "time", big, "time_s", " s", "ratio_time"))
        rows.append(_row("", "RSS growth", big, "rss_growth_mb", " MB", "ratio_rss"))
        rows.append(_row("", "tracemalloc", big, "tracemalloc_peak_mb", " MB", "ratio_tracemalloc"))
    lst = benchmarks.get("listing")
    if lst:
        rows.append(_row("5 listing", "time", lst, "time_s", " s", "ratio"))
        rows.append(_row("", "client side", lst, "client_s_per_listing", " s", "ratio_client_side"))
    rep = benchmarks.get("replay")
    if rep:
        rows.append(["6 replay", "wall", "", _fmt(rep.get("wall_s"), " s") or "", rep["status"]])
    return rows


def goals(benchmarks: dict[str, Any]) -> list[list[str]]:
    """One line per benchmark: its goal and whether it was met."""
    lines = []
    for name, section in benchmarks.items():
        met = section.get("met")
        verdict = "MET" if met else ("not measured" if met is None else "NOT MET")
        lines.append([name, section.get("goal", ""), verdict])
    return lines


def render(results: dict[str, Any]) -> str:
    """The table and the goals as text."""
    header = ["benchmark", "figure", "original", "ours", "ours/original"]
    rows = [header, *table_rows(results["benchmarks"])]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append("")
    for name, text, verdict in goals(results["benchmarks"]):
        lines.append(f"{verdict:<13} {name}: {text}")
    floor = results.get("floor")
    if floor:
        lines.append("")
        lines.append("floor: " + ", ".join(f"{k}={v}" for k, v in floor.items()))
    return "\n".join(lines)


def write(results: dict[str, Any], path: Path) -> None:
    """Write ``results.json``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


def now() -> str:
    """The current time, ISO 8601 in UTC."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
