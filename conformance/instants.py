"""RFC 3339 date-times as the contract reads them: instants, whatever the offset.

A server may write ``2024-05-01T12:00:00.123Z`` or ``2024-05-01T14:00:00.123+02:00``: both
name the same instant, and every check compares instants, never strings.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["instant", "is_rfc3339", "spell_with_offset"]

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def is_rfc3339(text: object) -> bool:
    """Whether ``text`` is an RFC 3339 ``date-time`` (an offset or ``Z`` is required)."""
    return isinstance(text, str) and bool(_RFC3339.match(text)) and _parse(text) is not None


def _parse(text: str) -> dt.datetime | None:
    normal = text[:10] + "T" + text[11:]
    normal = normal[:-1] + "+00:00" if normal[-1] in "Zz" else normal
    try:
        return dt.datetime.fromisoformat(normal)
    except ValueError:
        return None


def instant(text: object) -> dt.datetime:
    """The instant an RFC 3339 date-time names, as an aware datetime in UTC.

    Raises:
        ValueError: ``text`` is not an RFC 3339 date-time.
    """
    if not isinstance(text, str) or not _RFC3339.match(text):
        raise ValueError(f"{text!r} is not an RFC 3339 date-time")
    moment = _parse(text)
    if moment is None:
        raise ValueError(f"{text!r} is not a valid date-time")
    return moment.astimezone(dt.UTC)


def spell_with_offset(moment: dt.datetime, minutes: int) -> str:
    """Spell an aware instant with the given UTC offset, to the millisecond."""
    local = moment.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))
    return local.isoformat(timespec="milliseconds")
