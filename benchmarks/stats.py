"""Small statistics for the benchmark figures."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    """The median (``nan`` for no values)."""
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with ``fraction`` of values at or below.

    Args:
        values: The sample.
        fraction: In (0, 1], e.g. 0.95 for p95.
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def ratio(ours: float | None, original: float | None) -> float | None:
    """``ours / original``; ``None`` when either is missing or the original is zero."""
    if ours is None or original is None or original == 0 or math.isnan(ours):
        return None
    return ours / original


def rounded(value: float | None, digits: int = 3) -> float | None:
    """``value`` rounded for the report (``None`` and ``nan`` become ``None``)."""
    if value is None or math.isnan(value):
        return None
    return round(value, digits)
