"""Summaries of cProfile statistics: where our client spends its time."""

from __future__ import annotations

import pstats
from pathlib import Path
from typing import Any

ROOT = str(Path(__file__).resolve().parents[1])


def _where(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    if "/site-packages/" in filename:
        filename = filename.split("/site-packages/", 1)[1]
    elif "/ibmqjob/" in filename:
        filename = "ibmqjob/" + filename.rsplit("/ibmqjob/", 1)[1]
    elif "/lib/python3." in filename:
        filename = filename.split("/lib/python3.", 1)[1].split("/", 1)[-1]
    else:
        filename = filename.replace(ROOT + "/", "")
    return f"{filename}:{line}({name})"


def summarize(path: Path, top: int = 12) -> dict[str, Any]:
    """The total time and the top functions by own time and by cumulative time.

    Args:
        path: A file written by ``cProfile.Profile.dump_stats``.
        top: How many functions to keep in each list.
    """
    stats = pstats.Stats(str(path))
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = float(stats.total_tt)  # type: ignore[attr-defined]
    rows = [
        {
            "function": _where(function),
            "calls": calls,
            "own_s": round(own, 4),
            "cumulative_s": round(cumulative, 4),
        }
        for function, (_, calls, own, cumulative, _callers) in table.items()
    ]
    by_own = sorted(rows, key=lambda row: row["own_s"], reverse=True)[:top]
    ours = [row for row in rows if row["function"].startswith("ibmqjob/")]
    by_cumulative = sorted(ours, key=lambda row: row["cumulative_s"], reverse=True)[:top]
    return {
        "total_s": round(total, 4),
        "top_own_time": by_own,
        "top_ibmqjob_cumulative": by_cumulative,
    }
