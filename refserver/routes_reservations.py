"""Routes of backend reservations (bookings), as the original client reads them.

* ``GET /Network/devices/{backend}/bookings/v2[?initialDate=&endDate=]``: the backend's
  reservations overlapping the window; the slot of every one, and the id, mode, creation
  date and hub/group/project only of those made by one of the caller's projects.
* ``GET /Network/bookings/v2``: the caller's reservations that have not ended, on every
  backend, with all their fields.

Both answer a JSON list, ``[]`` when there is none. The reservations come from the server's
reservations file (``ibmqjob serve --reservations-file``; :mod:`refserver.reservations`).
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from refserver import errors
from refserver.reservations import ReservationBook
from refserver.timeutil import parse_instant, utc_now
from refserver.users import User
from refserver.web import caller, route, server


def book(request: Request) -> ReservationBook:
    """The reservations of the server handling ``request``."""
    reservations: ReservationBook = request.app.state.reservations
    return reservations


def _projects(user: User) -> set[tuple[str, str, str]]:
    return {(m.hub, m.group, m.project) for m in user.memberships}


def _window_bound(request: Request, name: str) -> datetime | None:
    text = request.query_params.get(name)
    if text is None:
        return None
    moment = parse_instant(text)
    if moment is None:
        raise errors.bad_request(
            f"Invalid `{name}` {text!r}: expected an ISO 8601 date-time", errors.INVALID_FILTER
        )
    return moment


async def backend_reservations(request: Request) -> Response:
    """``GET /Network/devices/{backend}/bookings/v2``: reservations of one backend."""
    user = caller(request)
    name = request.path_params["backend_name"]
    if server(request).devices.get(name) is None:
        raise errors.not_found(f"Backend not found: {name}", errors.BACKEND_NOT_FOUND)
    # A window that ends before it starts overlaps nothing: an empty list, not an error.
    since = _window_bound(request, "initialDate")
    until = _window_bound(request, "endDate")
    mine = _projects(user)
    return JSONResponse(
        [
            r.owner_document() if (r.hub, r.group, r.project) in mine else r.public_document()
            for r in book(request).of_backend(name, since, until)
        ]
    )


async def my_reservations(request: Request) -> Response:
    """``GET /Network/bookings/v2``: the caller's reservations that have not ended."""
    user = caller(request)
    upcoming = book(request).upcoming(_projects(user), utc_now())
    return JSONResponse([r.owner_document() for r in upcoming])


ROUTES: list[Route] = [
    route("/Network/devices/{backend_name}/bookings/v2", get=backend_reservations),
    route("/Network/bookings/v2", get=my_reservations),
]
