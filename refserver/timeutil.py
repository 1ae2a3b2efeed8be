"""UTC instants as the API writes them: ISO 8601 with milliseconds and a ``Z``."""

from __future__ import annotations

import functools
import threading
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def format_instant(moment: datetime) -> str:
    """Format an instant as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC, milliseconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_text() -> str:
    """Return the current instant formatted by :func:`format_instant`."""
    return format_instant(utc_now())


def parse_instant(text: str) -> datetime | None:
    """Parse an ISO 8601 date-time; naive values are taken as UTC.

    Args:
        text: ``2024-05-01T12:00:00.123Z``, ``...+00:00`` or any offset.

    Returns:
        The aware datetime, or None when ``text`` is not a date-time.
    """
    if not isinstance(text, str) or len(text) < 10:
        return None
    return _parse_instant_text(text)


# Listings compare the same creation dates over and over: parse each string once.
@functools.lru_cache(maxsize=16384)
def _parse_instant_text(text: str) -> datetime | None:
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def to_millis(moment: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_millis(millis: int) -> datetime:
    """The aware UTC datetime ``millis`` milliseconds after the epoch."""
    return _EPOCH + timedelta(milliseconds=millis)


class CreationClock:
    """Issues strictly increasing creation instants with millisecond precision.

    Two jobs never share a ``creationDate``: the original client pages through
    listings with a ``creationDate``/last-id cursor that repeats or skips jobs
    whose dates are equal.
    """

    def __init__(self, last_millis: int = 0) -> None:
        self._last = last_millis
        self._lock = threading.Lock()

    def next_instant(self) -> datetime:
        """Return an instant later than every one issued before."""
        with self._lock:
            millis = max(to_millis(utc_now()), self._last + 1)
            self._last = millis
        return from_millis(millis)
