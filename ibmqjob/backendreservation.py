"""``BackendReservation``: a time slot of a backend booked by a hub/group/project."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .utils.converters import utc_to_local

__all__ = ["BackendReservation", "convert_reservation_data"]


class BackendReservation:
    """A reservation of a backend, as :meth:`IBMQBackend.reservations` returns it.

    The mode, id, creation date and hub/group/project are known only for reservations made
    by one of your projects; they are ``None`` otherwise.

    Attributes:
        backend_name: The name of the backend.
        start_datetime: Start of the reservation, local time.
        end_datetime: End of the reservation, local time.
        duration: Length of the reservation, in whole minutes.
        mode: Reservation mode.
        reservation_id: Reservation ID.
        creation_datetime: When the reservation was made, local time.
        hub: Hub that made the reservation.
        group: Group that made the reservation.
        project: Project that made the reservation.
    """

    def __init__(
        self,
        backend_name: str,
        start_datetime: datetime,
        end_datetime: datetime,
        creation_datetime: datetime | None = None,
        mode: str | None = None,
        reservation_id: str | None = None,
        hub_info: Mapping[str, Any] | None = None,
    ) -> None:
        """Create a reservation.

        Args:
            backend_name: The name of the backend.
            start_datetime: Start of the reservation, local time.
            end_datetime: End of the reservation, local time.
            creation_datetime: When the reservation was made.
            mode: Reservation mode.
            reservation_id: Reservation ID.
            hub_info: ``{"hub": {"name": ...}, "group": {"name": ...}, "project": {...}}``.
        """
        self.backend_name = backend_name
        self.start_datetime = start_datetime
        self.end_datetime = end_datetime
        self.duration = int((end_datetime - start_datetime).total_seconds() // 60)
        self.mode = mode
        self.reservation_id = reservation_id
        self.creation_datetime = creation_datetime
        self.hub: str | None = None
        self.group: str | None = None
        self.project: str | None = None
        if hub_info:
            self.hub = hub_info["hub"]["name"]
            self.group = hub_info["group"]["name"]
            self.project = hub_info["project"]["name"]

    def __repr__(self) -> str:
        fields = [
            f"backend_name={self.backend_name}",
            f"start_datetime={self.start_datetime.isoformat()}",
            f"end_datetime={self.end_datetime.isoformat()}",
        ]
        for name in ("mode", "duration", "reservation_id", "creation_datetime", "hub"):
            value = getattr(self, name)
            if value is not None:
                text = value.isoformat() if isinstance(value, datetime) else value
                fields.append(f"{name}={text}")
        if self.hub is not None:
            fields += [f"group={self.group}", f"project={self.project}"]
        return f"<{type(self).__name__}({', '.join(fields)})>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BackendReservation) or other.backend_name != self.backend_name:
            return False
        if self.reservation_id and self.reservation_id == other.reservation_id:
            return True
        return (self.start_datetime, self.end_datetime) == (
            other.start_datetime,
            other.end_datetime,
        )

    def __hash__(self) -> int:
        # Equal reservations may differ in id or in slot, never in backend.
        return hash(self.backend_name)


def convert_reservation_data(
    raw_reservations: Sequence[Mapping[str, Any]], backend_name: str | None = None
) -> list[BackendReservation]:
    """Build reservations from the documents of the bookings endpoints.

    Args:
        raw_reservations: The documents (``initialDate``, ``endDate`` and, for your own
            reservations, ``id``, ``backendName``, ``mode``, ``creationDate``, ``hubInfo``).
        backend_name: The backend, when every document is about the same one.

    Returns:
        The reservations, in the order given.

    Raises:
        KeyError: If a document has no ``initialDate`` or ``endDate``.
        ValueError: If a date is not a date-time, or no backend name is known.
        TypeError: If a field has the wrong type.
    """
    reservations = []
    for raw in raw_reservations:
        name = backend_name or raw.get("backendName")
        if not isinstance(name, str) or not name:
            raise ValueError(f"A reservation names no backend: {dict(raw)!r}.")
        created = raw.get("creationDate")
        reservations.append(
            BackendReservation(
                backend_name=name,
                start_datetime=utc_to_local(raw["initialDate"]),
                end_datetime=utc_to_local(raw["endDate"]),
                creation_datetime=utc_to_local(created) if created else None,
                mode=raw.get("mode"),
                reservation_id=raw.get("id"),
                hub_info=raw.get("hubInfo"),
            )
        )
    return reservations
