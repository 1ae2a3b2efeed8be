"""Find out what a server under test offers: access token, URLs, default project, a backend.

This talks to the server with plain httpx rather than through the SDK, so that the schema
checks depend on nothing but the spec and the server, and a failure here names the request
that went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

__all__ = [
    "DiscoveryError",
    "ServerTarget",
    "ServerUnreachable",
    "discover",
    "login",
    "project_prefix",
]

_TIMEOUT = 15.0


class DiscoveryError(Exception):
    """The server did not answer the discovery requests as the contract says."""


class ServerUnreachable(DiscoveryError):
    """No answer at all: the connection failed or timed out."""


@dataclass(frozen=True)
class ServerTarget:
    """Where and as whom a run talks to the server.

    Attributes:
        base_url: The API base (auth URL), e.g. ``http://127.0.0.1:8390/api``.
        api_url: ``urls.http`` from ``GET /users/me``.
        ws_url: ``urls.ws`` from ``GET /users/me``, without a trailing ``/``.
        access_token: The access token of the API token given.
        hub: The default project's hub.
        group: The default project's group.
        project: The default project's name.
        backend_name: The first backend of the default project.
    """

    base_url: str
    api_url: str
    ws_url: str
    access_token: str
    hub: str
    group: str
    project: str
    backend_name: str

    @property
    def project_prefix(self) -> str:
        """``/Network/{hub}/Groups/{group}/Projects/{project}``, escaped."""
        return project_prefix(self.hub, self.group, self.project)


def project_prefix(hub: str, group: str, project: str) -> str:
    """Return ``/Network/{hub}/Groups/{group}/Projects/{project}`` with the names escaped."""
    h, g, p = (quote(part, safe="") for part in (hub, group, project))
    return f"/Network/{h}/Groups/{g}/Projects/{p}"


def _json(response: httpx.Response, what: str) -> Any:
    if response.status_code != 200:
        raise DiscoveryError(f"{what} answered HTTP {response.status_code}: {response.text[:300]}")
    try:
        return response.json()
    except ValueError as err:
        raise DiscoveryError(f"{what} did not answer JSON: {response.text[:300]}") from err


def login(client: httpx.Client, api_token: str) -> str:
    """Exchange an API token for an access token (``POST /users/loginWithToken``).

    Args:
        client: A client whose base URL is the server's API base.
        api_token: The user's API token.

    Returns:
        The access token.

    Raises:
        DiscoveryError: the login failed or its answer has no string ``id``.
    """
    body = _json(
        client.post("/users/loginWithToken", json={"apiToken": api_token}),
        "POST /users/loginWithToken",
    )
    token = body.get("id") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise DiscoveryError("POST /users/loginWithToken answered without a string `id`")
    return token


def _default_project(network: Any) -> tuple[str, str, str]:
    """The (hub, group, project) marked ``isDefault``, else the first one listed."""
    if not isinstance(network, list):
        raise DiscoveryError("GET /Network did not answer a list of hubs")
    found: list[tuple[str, str, str, bool]] = []
    for hub in network:
        if not isinstance(hub, dict) or not isinstance(hub.get("groups"), dict):
            raise DiscoveryError(f"GET /Network lists a hub without `name` and `groups`: {hub!r}")
        for group_name, group in hub["groups"].items():
            for project_name, project in (group or {}).get("projects", {}).items():
                is_default = bool(isinstance(project, dict) and project.get("isDefault"))
                found.append((str(hub.get("name")), group_name, project_name, is_default))
    if not found:
        raise DiscoveryError("GET /Network lists no project")
    chosen = next((entry for entry in found if entry[3]), found[0])
    return chosen[0], chosen[1], chosen[2]


def _simulator_first(devices: Any) -> str | None:
    """The first simulator's name (jobs finish fast there), else the first backend's."""
    configs = [d for d in devices if isinstance(d, dict)] if isinstance(devices, list) else []
    named = [d for d in configs if isinstance(d.get("backend_name"), str)]
    simulators = [d for d in named if d.get("simulator") is True]
    chosen = simulators or named
    return str(chosen[0]["backend_name"]) if chosen else None


def discover(base_url: str, api_token: str) -> ServerTarget:
    """Log in and find the URLs, the default project and a backend of a server.

    Args:
        base_url: The server's API base, e.g. ``http://127.0.0.1:8390/api``.
        api_token: The user's API token.

    Returns:
        The target of the run.

    Raises:
        DiscoveryError: a discovery request failed or answered outside the contract.
    """
    base_url = base_url.rstrip("/")
    with httpx.Client(base_url=base_url, timeout=_TIMEOUT) as client:
        try:
            token = login(client, api_token)
            headers = {"X-Access-Token": token}
            me = _json(client.get("/users/me", headers=headers), "GET /users/me")
            urls = me.get("urls") if isinstance(me, dict) else None
            if not isinstance(urls, dict) or not all(
                isinstance(urls.get(key), str) for key in ("http", "ws")
            ):
                raise DiscoveryError("GET /users/me answered without `urls.http` and `urls.ws`")
            hub, group, project = _default_project(
                _json(client.get("/Network", headers=headers), "GET /Network")
            )
            prefix = project_prefix(hub, group, project)
            devices = _json(client.get(prefix + "/devices/v/1", headers=headers), "listDevices")
        except httpx.HTTPError as err:
            raise ServerUnreachable(f"cannot reach {base_url}: {err}") from err
    backend_name = _simulator_first(devices)
    if backend_name is None:
        raise DiscoveryError(f"the default project {hub}/{group}/{project} has no backend")
    return ServerTarget(
        base_url=base_url,
        api_url=urls["http"].rstrip("/"),
        ws_url=urls["ws"].rstrip("/"),
        access_token=token,
        hub=hub,
        group=group,
        project=project,
        backend_name=backend_name,
    )
