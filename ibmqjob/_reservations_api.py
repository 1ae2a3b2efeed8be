"""Adapter of the reservation (bookings) operations of the generated client.

A companion of ``ibmqjob/_api.py`` (which it reuses for the HTTP client, the errors and the
decoding of lists) for the two account-wide operations ``GET
/Network/devices/{backend}/bookings/v2`` and ``GET /Network/bookings/v2``. Generated models
do not leave it: answers are plain JSON dicts. Every function raises
:class:`~ibmqjob.exceptions.ApiError` on failure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ibmq_api_client.api.network import get_backend_reservations, get_my_reservations
from ibmq_api_client.types import UNSET

from ._api import ProjectApi

__all__ = ["backend_reservations", "my_reservations"]


def backend_reservations(
    api: ProjectApi,
    backend_name: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """``GET /Network/devices/{backend}/bookings/v2``: reservations overlapping a window.

    Args:
        api: The API of any project of the account.
        backend_name: The backend.
        since: Start of the window (aware), or ``None``.
        until: End of the window (aware), or ``None``.

    Returns:
        The reservation documents.
    """
    return api._caller.call_items(
        "GET /Network/devices/{backend}/bookings/v2",
        lambda c: get_backend_reservations.sync_detailed(
            backend_name,
            client=c,
            initial_date=UNSET if since is None else since,
            end_date=UNSET if until is None else until,
        ),
    )


def my_reservations(api: ProjectApi) -> list[dict[str, Any]]:
    """``GET /Network/bookings/v2``: the account's reservations that have not ended.

    Args:
        api: The API of any project of the account.

    Returns:
        The reservation documents.
    """
    return api._caller.call_items(
        "GET /Network/bookings/v2", lambda c: get_my_reservations.sync_detailed(client=c)
    )
