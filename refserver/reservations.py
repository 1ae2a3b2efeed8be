"""Backend reservations (bookings), read from a YAML file given to the server.

A reservation books a backend for a hub/group/project during a time slot. The file::

    reservations:
      - backend: ibmq_manila          # a backend of the server
        start: "2026-12-08T10:00:00Z" # RFC 3339 date-time, or an offset from server start:
        end: "+2h"                    #   "+30m", "+2h", "-1d" (s, m, h or d)
        hub: ibm-q                    # the project that made the reservation
        group: open
        project: main
        mode: dedicated               # optional, default "dedicated"
        id: my-reservation            # optional, default "reservation-<n>"
        created: "-1d"                # optional, default the server start

Offsets make demo and test files that stay upcoming whatever day they are used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from refserver.timeutil import format_instant, parse_instant, utc_now

_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<amount>\d+(?:\.\d+)?)(?P<unit>[smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_FIELDS = {"backend", "start", "end", "hub", "group", "project", "mode", "id", "created"}


@dataclass(frozen=True)
class Reservation:
    """A time slot of a backend booked by a project.

    Attributes:
        id: reservation id.
        backend: backend name.
        start: start of the slot (aware UTC).
        end: end of the slot (aware UTC), after ``start``.
        hub, group, project: the project that made it.
        mode: reservation mode.
        created: when it was made (aware UTC).
    """

    id: str
    backend: str
    start: datetime
    end: datetime
    hub: str
    group: str
    project: str
    mode: str
    created: datetime

    def overlaps(self, since: datetime | None, until: datetime | None) -> bool:
        """Whether the slot shares time with ``[since, until]`` (open ends when None)."""
        return (since is None or self.end > since) and (until is None or self.start < until)

    def public_document(self) -> dict[str, Any]:
        """What anybody may see: the slot only."""
        return {"initialDate": format_instant(self.start), "endDate": format_instant(self.end)}

    def owner_document(self) -> dict[str, Any]:
        """What the owning project sees, in the fields the original client reads."""
        return {
            "id": self.id,
            "backendName": self.backend,
            **self.public_document(),
            "mode": self.mode,
            "creationDate": format_instant(self.created),
            "hubInfo": {
                "hub": {"name": self.hub},
                "group": {"name": self.group},
                "project": {"name": self.project},
            },
        }


class ReservationBook:
    """The reservations of a server."""

    def __init__(self, reservations: list[Reservation]) -> None:
        self._items = sorted(reservations, key=lambda r: (r.start, r.id))

    @classmethod
    def load(
        cls, path: Path | None, backends: set[str], now: datetime | None = None
    ) -> ReservationBook:
        """Read a reservations file; an empty book when ``path`` is None.

        Args:
            path: the YAML file.
            backends: names of the server's backends (a reservation must name one).
            now: the instant offsets count from; the current time if None.

        Raises:
            ValueError: the file cannot be read or is not valid (the message says where).
        """
        if path is None:
            return cls([])
        origin = str(path)
        try:
            data = yaml.safe_load(Path(path).read_text("utf-8"))
        except OSError as err:
            raise ValueError(f"{origin}: cannot read the reservations file: {err}") from err
        except yaml.YAMLError as err:
            raise ValueError(f"{origin}: not valid YAML: {err}") from err
        if not isinstance(data, Mapping) or not isinstance(data.get("reservations"), list):
            raise ValueError(f"{origin}: expected a mapping with a `reservations` list")
        moment = now or utc_now()
        items = [
            _parse(item, f"{origin}: reservations[{i}]", i + 1, moment, backends)
            for i, item in enumerate(data["reservations"])
        ]
        ids = [r.id for r in items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"{origin}: duplicate reservation id(s): {', '.join(duplicates)}")
        return cls(items)

    def of_backend(
        self, backend: str, since: datetime | None, until: datetime | None
    ) -> list[Reservation]:
        """Reservations of ``backend`` overlapping ``[since, until]``, earliest first."""
        return [r for r in self._items if r.backend == backend and r.overlaps(since, until)]

    def upcoming(self, projects: set[tuple[str, str, str]], now: datetime) -> list[Reservation]:
        """Reservations of these projects that have not ended at ``now``, earliest first."""
        return [r for r in self._items if (r.hub, r.group, r.project) in projects and r.end > now]


def _parse(item: Any, where: str, number: int, now: datetime, backends: set[str]) -> Reservation:
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: expected a mapping")
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    backend = _text(item, "backend", where)
    if backend not in backends:
        raise ValueError(
            f"{where}: unknown backend {backend!r}; known: {', '.join(sorted(backends))}"
        )
    start = _instant(item, "start", where, now)
    end = _instant(item, "end", where, now)
    if end <= start:
        raise ValueError(f"{where}: `end` must be after `start`")
    created = _instant(item, "created", where, now) if "created" in item else now
    return Reservation(
        id=_text(item, "id", where) if "id" in item else f"reservation-{number}",
        backend=backend,
        start=start,
        end=end,
        hub=_text(item, "hub", where),
        group=_text(item, "group", where),
        project=_text(item, "project", where),
        mode=_text(item, "mode", where) if "mode" in item else "dedicated",
        created=created,
    )


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: `{key}` must be a non-empty string")
    return value


def _instant(item: Mapping[str, Any], key: str, where: str, now: datetime) -> datetime:
    value = item.get(key)
    if isinstance(value, datetime):  # YAML reads unquoted timestamps itself
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = value.strip() if isinstance(value, str) else ""
    offset = _OFFSET.match(text)
    if offset:
        seconds = float(offset["amount"]) * _UNIT_SECONDS[offset["unit"]]
        return now + timedelta(seconds=seconds if offset["sign"] == "+" else -seconds)
    moment = parse_instant(text)
    if moment is None:
        raise ValueError(
            f"{where}: `{key}` must be an RFC 3339 date-time or an offset such as +2h,"
            f" not {value!r}"
        )
    return moment
