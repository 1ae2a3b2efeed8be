"""The Starlette application of the reference server."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from refserver import (
    errors,
    routes_account,
    routes_devices,
    routes_jobs,
    routes_reservations,
    routes_storage,
    websocket,
)
from refserver.config import ServerConfig
from refserver.errors import ApiError
from refserver.faults import WIRE_FAULTS, WireFaults
from refserver.reservations import ReservationBook
from refserver.state import ServerState

logger = logging.getLogger(__name__)


def build_app(config: ServerConfig) -> Starlette:
    """Build the application; its lifespan starts and stops the background work.

    Raises:
        ValueError: the users file or the reservations file is invalid.
    """
    state = ServerState.open(config)
    try:
        reservations = ReservationBook.load(
            config.reservations_file, {device.name for device in state.devices.all()}
        )
    except ValueError:
        state.store.close()
        raise

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.start()
        try:
            yield
        finally:
            state.stop()

    # Starlette tries routes in order (no two of these modules' paths overlap): the ones of
    # every job's life cycle first.
    api_routes = (
        routes_jobs.ROUTES
        + routes_storage.ROUTES
        + routes_account.ROUTES
        + routes_devices.ROUTES
        + routes_reservations.ROUTES
    )
    # The API's routes carry the "/api" prefix themselves: a Mount would add a router and
    # a match per request.
    routes = [_prefixed("/api", route) for route in api_routes]
    app = RefserverApp(
        routes=[*routes, *websocket.ROUTES],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
        lifespan=lifespan,
    )
    app.state.server = state
    app.state.reservations = reservations
    if config.faults & WIRE_FAULTS:
        app.add_middleware(WireFaults, faults=config.faults)
    return app


class RefserverApp(Starlette):
    """Starlette, with a direct way to the API's HTTP endpoints.

    An HTTP request that matches a route of the API (path and method) is given to the
    route's endpoint without Starlette's middleware stack and router, and its errors to
    the same exception handlers: what every request of a job's life cycle takes, without
    three layers of send wrappers and a search through every route (a tenth of the
    server's CPU per job). Anything else (no route, a method the route does not take,
    the websocket, the lifespan) and every request when a middleware is installed (the
    wire faults) goes through Starlette.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.user_middleware:
            for route in self.router.routes:
                if not isinstance(route, Route):
                    continue
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope["app"], scope["router"], scope["route"] = self, self.router, route
                    scope.update(child_scope)
                    await self._endpoint(route, scope, receive, send)
                    return
                if match is Match.PARTIAL:
                    break  # Starlette answers 405 with the route's methods
        await super().__call__(scope, receive, send)

    async def _endpoint(self, route: Route, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        try:
            response = await route.endpoint(request)
        except ApiError as exc:
            response = await _api_error(request, exc)
        except HTTPException as exc:
            response = await _http_error(request, exc)
        except Exception as exc:
            # As Starlette's ServerErrorMiddleware: the envelope, then the error re-raised for
            # the server's log.
            await (await _internal_error(request, exc))(scope, receive, send)
            raise
        await response(scope, receive, send)


def _prefixed(prefix: str, route: Route) -> Route:
    return Route(prefix + route.path, route.endpoint, methods=route.methods)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.status >= 500 or "500_on_bad_input" not in request.app.state.server.config.faults:
        return exc.response()
    if exc.code == errors.INVALID_FILTER:
        # Fault: a listing filter it cannot read crashes the server.
        return Response(
            "Internal Server Error\nTraceback (most recent call last):\n  ...\n"
            f"ValueError: {exc.message}\n",
            status_code=500,
            media_type="text/plain",
        )
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        error = ApiError(
            404, errors.ROUTE_NOT_FOUND, f"Request not found: {request.method} {request.url.path}"
        )
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        error = ApiError(
            405,
            errors.METHOD_NOT_ALLOWED,
            f"Method {request.method} not allowed on {request.url.path}; allowed: {allowed}",
            headers=exc.headers,
        )
    else:
        error = ApiError(exc.status_code, exc.status_code, str(exc.detail), headers=exc.headers)
    return error.response()


async def _internal_error(request: Request, exc: Exception) -> Response:
    # A bug: the client gets the envelope, never a traceback; the log gets the details.
    logger.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        ApiError(500, errors.INTERNAL_ERROR, "API Internal error").envelope(), status_code=500
    )
