"""Backend reservations and ``least_busy``, on top of the bookings endpoints.

:func:`backend_reservations` and :func:`account_reservations` ask the server
(the account's ``ProjectApi``) and turn its documents into
:class:`~ibmqjob.backendreservation.BackendReservation` objects in local time;
:func:`least_busy` picks, among operational backends without a reservation soon, the one
with the shortest queue, as the original client's ``least_busy`` did.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .backendreservation import BackendReservation, convert_reservation_data
from .exceptions import (
    ApiError,
    ApiIBMQProtocolError,
    IBMQBackendApiError,
    IBMQBackendApiProtocolError,
    IBMQError,
)
from .utils.converters import local_to_utc

if TYPE_CHECKING:
    from ._api import ProjectApi
    from .backend import IBMQBackend

__all__ = ["account_reservations", "backend_reservations", "least_busy"]

logger = logging.getLogger(__name__)


def backend_reservations(
    backend: IBMQBackend,
    api: ProjectApi,
    start_datetime: dt.datetime | None,
    end_datetime: dt.datetime | None,
) -> list[BackendReservation]:
    """The reservations of ``backend`` overlapping a window (see ``IBMQBackend.reservations``).

    Raises:
        TypeError: If a bound is not a ``datetime``.
        IBMQBackendApiError: If the server could not be asked.
        IBMQBackendApiProtocolError: If the answer is not a list of reservations.
    """
    for name, value in (("start_datetime", start_datetime), ("end_datetime", end_datetime)):
        if value is not None and not isinstance(value, dt.datetime):
            raise TypeError(f"'{name}' needs to be a datetime, not {value!r}.")
    since = local_to_utc(start_datetime) if start_datetime else None
    until = local_to_utc(end_datetime) if end_datetime else None
    context = f"Failed to get the reservations of {backend.name()}"
    raw = _asked(context, lambda: api.backend_reservations(backend.name(), since, until))
    return _converted(context, raw, backend.name())


def account_reservations(api: ProjectApi) -> list[BackendReservation]:
    """The account's reservations that have not ended (see ``my_reservations``).

    Raises:
        IBMQBackendApiError: If the server could not be asked.
        IBMQBackendApiProtocolError: If the answer is not a list of reservations.
    """
    context = "Failed to get your reservations"
    raw = _asked(context, lambda: api.my_reservations())
    return _converted(context, raw, None)


def least_busy(backends: Sequence[Any], reservation_lookahead: int | None = 60) -> Any:
    """Return the least busy backend of a list.

    A backend is a candidate if its status is operational and ``active`` and, for
    ``IBMQBackend`` objects, it has no reservation within the next
    ``reservation_lookahead`` minutes; the candidate with the fewest pending jobs wins.

    Args:
        backends: The backends to choose from.
        reservation_lookahead: Minutes ahead in which a reservation makes a backend
            unavailable; ``None`` (or 0) to ignore reservations.

    Returns:
        The backend with the fewest pending jobs.

    Raises:
        IBMQError: If the list is empty, no backend is available, or a backend's status has
            no ``pending_jobs``.
    """
    from .backend import IBMQBackend

    if not backends:
        raise IBMQError("Unable to find the least_busy backend from an empty list.")
    candidates: list[tuple[int, Any]] = []
    now = dt.datetime.now()
    try:
        for backend in backends:
            status = backend.status()
            if not status.operational or status.status_msg != "active":
                continue
            if reservation_lookahead and isinstance(backend, IBMQBackend):
                until = now + dt.timedelta(minutes=reservation_lookahead)
                try:
                    if backend.reservations(now, until):
                        continue
                except IBMQError as err:
                    logger.warning(
                        "Unable to find the reservations of %s; they are not taken into"
                        " account: %s",
                        backend.name(),
                        err,
                    )
            candidates.append((status.pending_jobs, backend))
    except AttributeError as err:
        raise IBMQError(
            "A backend in the list does not have the `pending_jobs` attribute in its status."
        ) from err
    if not candidates:
        raise IBMQError("No backend matches the criteria.")
    return min(candidates, key=lambda item: item[0])[1]


def _asked(context: str, ask: Any) -> list[dict[str, Any]]:
    try:
        raw: list[dict[str, Any]] = ask()
    except ApiIBMQProtocolError as err:
        raise IBMQBackendApiProtocolError(f"{context}: {err.message}") from err
    except ApiError as err:
        raise IBMQBackendApiError(f"{context}: {err.message}") from err
    return raw


def _converted(
    context: str, raw: list[dict[str, Any]], backend_name: str | None
) -> list[BackendReservation]:
    try:
        return convert_reservation_data(raw, backend_name)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise IBMQBackendApiProtocolError(f"{context}: invalid reservation ({err!r})") from err
