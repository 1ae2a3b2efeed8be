"""Every time rule of the SDK: the wire speaks UTC, the public API answers in local time.

* Reading: :func:`parse_iso` turns an ISO-8601 / RFC 3339 string (or a ``datetime``) into an
  aware UTC ``datetime``; a value without offset is taken as UTC, any other offset is
  converted (instants are compared, never strings). Wire records and user input both use it.
* Writing: :func:`format_utc` gives the ``...Z`` form of ``to_dict()`` and ``repr``;
  :func:`format_query` the ``+00:00`` form that filters send (a naive value there is the
  user's local time, as in the original client).
* Showing: :func:`utc_to_local` for every date-time the public API returns, and
  :func:`duration_difference` for the queue report.

No I/O and no import from ``ibmqjob``: the wire layer and the public objects share it.
"""

from __future__ import annotations

import datetime as dt
import math

__all__ = ["duration_difference", "format_query", "format_utc", "parse_iso", "utc_to_local"]


def parse_iso(value: str | dt.datetime) -> dt.datetime:
    """Parse an ISO-8601 date-time; a value without offset is taken as UTC.

    Args:
        value: An ISO-8601 string (``2019-01-01T12:57:15.052Z``) or a ``datetime``.

    Returns:
        An aware ``datetime`` in UTC.

    Raises:
        ValueError: If the string is not an ISO-8601 date-time.
        TypeError: If the value is neither a string nor a ``datetime``.
    """
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    elif not isinstance(value, dt.datetime):
        raise TypeError(f"Expected an ISO-8601 string or a datetime, got {value!r:.200}.")
    return _as_utc(value)


def format_utc(value: dt.datetime) -> str:
    """Format an instant as ISO-8601 in UTC with a ``Z`` (a naive value is taken as UTC).

    Args:
        value: The instant.

    Returns:
        E.g. ``2019-01-01T12:57:15.052000Z``.
    """
    return _as_utc(value).isoformat().replace("+00:00", "Z")


def format_query(value: dt.datetime) -> str:
    """Format an instant for a filter sent to the server (a naive value is local time).

    Args:
        value: The instant.

    Returns:
        ISO-8601 in UTC with a ``+00:00`` offset, as the original client sent it.
    """
    return value.astimezone(dt.UTC).isoformat()


def utc_to_local(value: dt.datetime) -> dt.datetime:
    """Convert an instant to the local time zone (a naive value is taken as UTC).

    Args:
        value: The instant.

    Returns:
        The same instant as an aware ``datetime`` in the local time zone.
    """
    return _as_utc(value).astimezone()


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
    seconds = (_as_utc(when) - _as_utc(now)).total_seconds()
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


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
