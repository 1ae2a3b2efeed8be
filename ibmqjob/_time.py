"""Time conversions: the wire speaks UTC, the public API answers in local time."""

from __future__ import annotations

import datetime as dt
import math

__all__ = ["duration_difference", "parse_iso", "utc_to_local"]


def parse_iso(value: str | dt.datetime) -> dt.datetime:
    """Parse an ISO-8601 date-time given by a user; a value without offset is taken as UTC.

    Args:
        value: An ISO-8601 string or a ``datetime``.

    Returns:
        An aware ``datetime`` in UTC.

    Raises:
        ValueError: If the string is not an ISO-8601 date-time.
        TypeError: If the value is neither a string nor a ``datetime``.
    """
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    elif not isinstance(value, dt.datetime):
        raise TypeError(f"Expected an ISO-8601 string or a datetime, got {value!r}.")
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def utc_to_local(value: dt.datetime) -> dt.datetime:
    """Convert an instant to the local time zone (a naive value is taken as UTC).

    Args:
        value: The instant.

    Returns:
        The same instant as an aware ``datetime`` in the local time zone.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone()


def duration_difference(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """Describe the time left until ``when`` as the legacy queue report did.

    The first non-zero unit pair is used: ``N days M hrs``, ``N hrs M min``, ``N min S sec``
    or ``S sec``. A time in the past (or less than a second away) gives an empty string.

    Args:
        when: The future instant (aware, or naive in UTC).
        now: The current instant; the system clock when ``None``.

    Returns:
        The description.
    """
    now = now or dt.datetime.now(dt.UTC)
    seconds = (_aware(when) - _aware(now)).total_seconds()
    if seconds < 1:
        return ""
    total = math.floor(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} days {hours} hrs"
    if hours:
        return f"{hours} hrs {minutes} min"
    if minutes:
        return f"{minutes} min {secs} sec"
    return f"{secs} sec"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
