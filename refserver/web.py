"""HTTP plumbing shared by the routes: bodies, auth, scoping and method dispatch."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from refserver import errors
from refserver.decoding import MalformedJson, parse_json
from refserver.errors import ApiError
from refserver.state import ServerState
from refserver.users import Membership, User

Handler = Callable[[Request], Awaitable[Response]]


def route(path: str, **handlers: Handler) -> Route:
    """One route per path, dispatching on the method.

    Starlette answers an unknown method with 405 and an ``Allow`` header listing
    the route's methods; with several routes on one path it would list only the
    first route's methods, hence a single route.
    """
    table = {method.upper(): handler for method, handler in handlers.items()}

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await table[method](request)

    return Route(path, endpoint, methods=list(table))


def server(request: Request) -> ServerState:
    """The state of the server handling ``request``."""
    state: ServerState = request.app.state.server
    return state


def public_root(request: Request) -> str:
    """The server's root URL for clients: ``--public-url``, else the listening address.

    Never the request's ``Host`` header: behind a proxy that passes it through, a
    reflected ``Host`` would send clients (with their access token) to any host.
    """
    configured = server(request).config.public_url
    if configured:
        return configured
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return "http://{}:{}".format(f"[{host}]" if ":" in host else host, port)


def api_base(request: Request) -> str:
    """The API base URL handed out to clients, e.g. ``http://127.0.0.1:8390/api``."""
    return public_root(request) + "/api"


def websocket_base(request: Request) -> str:
    """The websocket base URL handed out to clients, e.g. ``ws://127.0.0.1:8390/ws``."""
    root = public_root(request)
    return ("wss" + root[len("https") :] if root.startswith("https:") else "ws" + root[4:]) + "/ws"


def caller(request: Request) -> User:
    """The authenticated user.

    Raises:
        ApiError: 401 without a valid access token.
    """
    return server(request).auth.user_for(request.headers.get("x-access-token"))


def scope(request: Request) -> tuple[User, Membership]:
    """The authenticated user and their membership of the path's hub/group/project.

    Raises:
        ApiError: 401 without a valid token, 404 for a hub, group or project the
            user does not belong to.
    """
    user = caller(request)
    hub, group, project = (request.path_params[k] for k in ("hub", "group", "project"))
    member = user.membership(hub, group, project)
    if member is not None:
        return user, member
    if not any(m.hub == hub for m in user.memberships):
        raise errors.not_found(f"Hub not found: {hub}", errors.HUB_NOT_FOUND)
    if not any(m.hub == hub and m.group == group for m in user.memberships):
        raise errors.not_found(f"Group not found: {group}", errors.GROUP_NOT_FOUND)
    raise errors.not_found(f"Project not found: {project}", errors.PROJECT_NOT_FOUND)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused beyond ``limit`` bytes.

    Raises:
        ApiError: 413 when the body is too large, 400 for a bad Content-Length, 408 when
            the body does not arrive within ``body_timeout``.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise errors.bad_request("Invalid Content-Length header") from None
        if size > limit:
            raise _too_large(limit)
        if size == 0:
            return b""  # nothing to wait for (the callbacks' usual empty POST)
    chunks: list[bytes] = []
    received = 0
    timeout = server(request).config.body_timeout
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                received += len(chunk)
                if received > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
    except TimeoutError:
        # A client trickling its body would otherwise hold the connection for ever.
        raise ApiError(
            408,
            errors.REQUEST_TIMEOUT,
            f"The request body was not received within {timeout:g} s",
            headers={"Connection": "close"},
        ) from None
    return b"".join(chunks)


async def read_json(request: Request, limit: int | None = None) -> Any:
    """The request body parsed as strict JSON (:func:`refserver.decoding.parse_json`).

    Raises:
        ApiError: 413 when too large, 400 when empty, not JSON or holding values the
            server refuses (deep nesting, huge integers, lone surrogates, NaN).
    """
    data = await read_body(request, limit or server(request).config.max_body_bytes)
    if not data.strip():
        raise errors.bad_request("A JSON request body is required")
    try:
        if len(data) <= _INLINE_DECODE_BYTES:
            return parse_json(data)
        # Decoding and checking a large body would hold up every other request.
        return await run_in_threadpool(parse_json, data)
    except MalformedJson as err:
        raise errors.bad_request(f"The request body is not acceptable JSON: {err}") from None


# Bodies up to this size are decoded on the event loop (well under a millisecond).
_INLINE_DECODE_BYTES = 16 << 10


def _too_large(limit: int) -> ApiError:
    return ApiError(413, errors.PAYLOAD_TOO_LARGE, f"Request body larger than {limit} bytes")
