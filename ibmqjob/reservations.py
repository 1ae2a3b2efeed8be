"""Backend reservations, on top of the bookings endpoints.

:func:`backend_reservations` and :func:`account_reservations` ask the server (the account's
``ProjectApi``) and turn its documents into
:class:`~ibmqjob.backendreservation.BackendReservation` objects in local time.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from .backendreservation import BackendReservation, convert_reservation_data
from .exceptions import (
    ApiError,
    ApiIBMQProtocolError,
    IBMQBackendApiError,
    IBMQBackendApiProtocolError,
)
from .utils.converters import local_to_utc

if TYPE_CHECKING:
    from ._api import ProjectApi

__all__ = ["account_reservations", "backend_reservations"]

logger = logging.getLogger(__name__)


def backend_reservations(
    backend_name: str,
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
    context = f"Failed to get the reservations of {backend_name}"
    raw = _asked(context, lambda: api.backend_reservations(backend_name, since, until))
    return _converted(context, raw, backend_name)


def account_reservations(api: ProjectApi) -> list[BackendReservation]:
    """The account's reservations that have not ended (see ``my_reservations``).

    Raises:
        IBMQBackendApiError: If the server could not be asked.
        IBMQBackendApiProtocolError: If the answer is not a list of reservations.
    """
    context = "Failed to get your reservations"
    raw = _asked(context, lambda: api.my_reservations())
    return _converted(context, raw, None)


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
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
        raise IBMQBackendApiProtocolError(f"{context}: invalid reservation ({err!r})") from err
