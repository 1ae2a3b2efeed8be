"""Time conversions under the original client's names (``qiskit.providers.ibmq.utils.converters``).

The API speaks UTC; users give and get local times. These functions keep the original's
signatures and meaning: a naive datetime is local time for :func:`local_to_utc` and UTC for
:func:`utc_to_local`; strings are parsed with ``dateutil``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import dateutil.parser
from dateutil import tz

__all__ = [
    "convert_tz",
    "duration_difference",
    "local_to_utc",
    "local_to_utc_str",
    "seconds_to_duration",
    "str_to_utc",
    "utc_to_local",
    "utc_to_local_all",
]


def _as_datetime(value: datetime | str, name: str) -> datetime:
    if isinstance(value, str):
        try:
            return dateutil.parser.parse(value)
        except (ValueError, OverflowError) as err:
            raise ValueError(f"Input `{name}` is not a date-time: {value!r} ({err}).") from err
    if not isinstance(value, datetime):
        raise TypeError(f"Input `{name}` is not string or datetime.")
    return value


def utc_to_local(utc_dt: datetime | str) -> datetime:
    """Convert a UTC ``datetime`` or string to the local time zone.

    Args:
        utc_dt: The UTC instant; any offset it carries is replaced by UTC, as the original did.

    Returns:
        An aware ``datetime`` in the local time zone.

    Raises:
        TypeError: If the input is neither a string nor a ``datetime``.
        ValueError: If the string is not a date-time.
    """
    moment = _as_datetime(utc_dt, "utc_dt").replace(tzinfo=UTC)
    return moment.astimezone(tz.tzlocal())


def local_to_utc(local_dt: datetime | str) -> datetime:
    """Convert a local ``datetime`` or string to UTC.

    A value without offset, or with a non-zero offset, is taken as local time (its offset
    replaced by the local zone's, as the original did); a value already at offset zero is
    returned unchanged.

    Args:
        local_dt: The local date-time.

    Returns:
        An aware ``datetime`` in UTC.

    Raises:
        TypeError: If the input is neither a string nor a ``datetime``.
        ValueError: If the string is not a date-time.
    """
    moment = _as_datetime(local_dt, "local_dt")
    if moment.utcoffset() is None or moment.utcoffset() != timedelta(0):
        return moment.replace(tzinfo=tz.tzlocal()).astimezone(tz.UTC)
    return moment


def local_to_utc_str(local_dt: datetime | str, suffix: str = "Z") -> str:
    """Convert a local ``datetime`` or string to a UTC ISO string.

    Args:
        local_dt: The local date-time.
        suffix: ``"Z"`` for a ``Z`` suffix, anything else for ``+00:00``.

    Returns:
        The UTC date-time in ISO format.
    """
    text = local_to_utc(local_dt).isoformat()
    return text.replace("+00:00", "Z") if suffix == "Z" else text


def convert_tz(input_dt: datetime | None, to_utc: bool) -> datetime | None:
    """Convert a timestamp to UTC (``to_utc``) or to local time; ``None`` stays ``None``."""
    if input_dt is None:
        return None
    return local_to_utc(input_dt) if to_utc else utc_to_local(input_dt)


def utc_to_local_all(data: Any) -> Any:
    """Convert every ``datetime`` in nested lists and dictionaries from UTC to local time.

    Args:
        data: A value, list or dictionary (other containers are not traversed).

    Returns:
        The converted copy.
    """
    if isinstance(data, datetime):
        return utc_to_local(data)
    if isinstance(data, list):
        return [utc_to_local_all(item) for item in data]
    if isinstance(data, dict):
        return {key: utc_to_local_all(value) for key, value in data.items()}
    return data


def str_to_utc(utc_dt: str | None) -> datetime | None:
    """Parse a UTC ISO string into an aware UTC ``datetime``; ``None`` or ``""`` gives ``None``.

    Raises:
        ValueError: If the string is not an ISO-8601 date-time.
    """
    if not utc_dt:
        return None
    return dateutil.parser.isoparse(utc_dt).replace(tzinfo=UTC)


def seconds_to_duration(seconds: float) -> tuple[int, int, int, int, int]:
    """Split a number of seconds into ``(days, hours, minutes, seconds, milliseconds)``.

    Milliseconds are given (rounded up) only for a duration under one second, as the original.
    """
    days = int(seconds // 86400)
    hours = int((seconds // 3600) % 24)
    minutes = int((seconds // 60) % 60)
    rest = seconds % 60
    if rest < 1:
        return days, hours, minutes, 0, math.ceil(rest * 1000)
    return days, hours, minutes, int(rest), 0


def duration_difference(date_time: datetime) -> str:
    """Describe the time from now until a local ``date_time``: ``"2 hrs 5 min"``, ...

    Args:
        date_time: The local date-time (its offset is ignored, as the original did).

    Returns:
        The description, ``""`` for a time in the past.
    """
    delta = date_time.replace(tzinfo=None) - datetime.now()
    if delta.total_seconds() < 0:
        return ""
    days, hours, minutes, seconds, _ = seconds_to_duration(delta.total_seconds())
    if days:
        return f"{days} days {hours} hrs"
    if hours:
        return f"{hours} hrs {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} sec"
    if seconds:
        return f"{seconds} sec"
    return ""
