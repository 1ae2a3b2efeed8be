"""Routes of the authentication service: version, login, user info and the network."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from refserver import bodies
from refserver.users import User
from refserver.web import api_base, caller, read_json, route, server, websocket_base

API_VERSION = "0.1"


async def get_version(request: Request) -> Response:
    """``GET /version``: marks a service of the current API (``api-auth``)."""
    return JSONResponse({"new_api": True, "api-auth": API_VERSION, "api-jobs": API_VERSION})


async def login(request: Request) -> Response:
    """``POST /users/loginWithToken``: exchange an API token for an access token."""
    token = bodies.login_token(await read_json(request))
    row = server(request).auth.login(token)
    return JSONResponse(
        {"id": row.token, "ttl": row.ttl, "created": row.created, "userId": row.user_id}
    )


async def get_me(request: Request) -> Response:
    """``GET /users/me``: the user's profile and the URLs of the job service."""
    user = caller(request)
    base = api_base(request)
    websocket = websocket_base(request)
    return JSONResponse(
        {
            "id": user.id,
            "userId": user.id,
            "username": user.id,
            "email": user.email,
            "urls": {"http": base, "ws": websocket, "services": {}},
            "canScheduleBackends": False,
        }
    )


async def get_network(request: Request) -> Response:
    """``GET /Network``: hubs with groups and projects keyed by name."""
    return JSONResponse(network_of(caller(request)))


def network_of(user: User) -> list[dict[str, Any]]:
    """The hubs of a user; exactly one project is ``isDefault``."""
    default = user.default_membership()
    hubs: dict[str, dict[str, Any]] = {}
    for member in user.memberships:
        hub = hubs.setdefault(member.hub, {"name": member.hub, "title": member.hub, "groups": {}})
        group = hub["groups"].setdefault(
            member.group, {"name": member.group, "title": member.group, "projects": {}}
        )
        group["projects"][member.project] = {
            "name": member.project,
            "title": member.project,
            "isDefault": member is default,
            "priority": member.priority.project,
        }
    return list(hubs.values())


ROUTES: list[Route] = [
    route("/version", get=get_version),
    route("/users/loginWithToken", post=login),
    route("/users/me", get=get_me),
    route("/Network", get=get_network),
]
