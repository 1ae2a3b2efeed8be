"""Scenarios of accounts: discovery, authentication, isolation of users, bad input."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from ibmqjob import IBMQBackendApiError, IBMQError

from ..discovery import DiscoveryError, discover
from ..specs import schema_problems
from ..wsframes import CLOSE_JOB_NOT_FOUND, record_status_session
from .attributes import JOB_NOT_FOUND_CODE
from .base import ScenarioContext, expect, expect_raises, fail
from .sdk import connect
from .wire import WireClient, error_code

__all__ = ["bad_input", "isolation", "login_and_discovery"]

_BAD_TOKEN = "not-a-valid-token"


def login_and_discovery(ctx: ScenarioContext) -> None:
    """Version, login, service URLs, projects and backends as the SDK and the wire see them."""
    version = ctx.http_get(ctx.url.rstrip("/") + "/version").json()
    expect(isinstance(version, dict) and "api-auth" in version, f"/version answered {version!r}")
    with WireClient(ctx) as wire:
        target = wire.target
        me = wire.get_json("/users/me", "getUserInfo")
        network = wire.get_json("/Network", "getNetwork")
        devices = wire.get_json(wire.project_path("/devices/v/1"), "listDevices")
    for kind, url in (("http", target.api_url), ("ws", target.ws_url)):
        scheme = urlsplit(url).scheme
        expect(scheme in (kind, kind + "s"), f"urls.{kind} is not an absolute {kind} URL: {url!r}")
    problems = schema_problems(ctx.openapi, "UserInfo", me)
    expect(not problems, f"getUserInfo does not match the spec: {problems}")
    for hub in network:
        problems = schema_problems(ctx.openapi, "Hub", hub)
        expect(not problems, f"getNetwork lists a hub that does not match the spec: {problems}")
    defaults = [
        (hub["name"], group, project)
        for hub in network
        for group, body in hub["groups"].items()
        for project, info in body.get("projects", {}).items()
        if isinstance(info, dict) and info.get("isDefault")
    ]
    expect(len(defaults) <= 1, f"getNetwork marks {len(defaults)} projects isDefault")
    provider = connect(ctx)
    chosen = (provider.hub, provider.group, provider.project)
    expect(not defaults or chosen == defaults[0], f"the SDK chose {chosen}, not {defaults}")
    names = sorted(backend.name() for backend in provider.backends())
    wire_names = sorted(device["backend_name"] for device in devices)
    expect(names == wire_names, f"the SDK lists backends {names}, listDevices {wire_names}")
    for backend in provider.backends():
        status = backend.status()
        expect(status.pending_jobs >= 0, f"{backend.name()} has {status.pending_jobs} pending jobs")
        limit = backend.job_limit()
        expect(
            limit.maximum_jobs is None or limit.active_jobs <= limit.maximum_jobs,
            f"{backend.name()} reports {limit.active_jobs} of {limit.maximum_jobs} jobs",
        )
        backend.defaults()


def _envelope_problem(response: httpx.Response, statuses: tuple[int, ...]) -> str | None:
    """Why ``response`` is not an error envelope with one of ``statuses``, or ``None``."""
    if response.status_code not in statuses:
        return f"HTTP {response.status_code} (expected {'/'.join(map(str, statuses))})"
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code} with a body that is not JSON"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return f"HTTP {response.status_code} without the error envelope: {response.text[:150]}"
    if "code" not in error:
        return f"HTTP {response.status_code}: the error envelope has no `code`"
    return None


def _expect_refused(response: httpx.Response, what: str, *statuses: int) -> None:
    problem = _envelope_problem(response, statuses)
    if problem is not None:
        fail(f"{what}: {problem}")


def isolation(ctx: ScenarioContext) -> None:
    """Bad tokens are refused (401) and another user cannot see or touch a user's jobs (404)."""
    with expect_raises(DiscoveryError, "logging in with a wrong API token succeeded"):
        discover(ctx.url, _BAD_TOKEN)
    with expect_raises(IBMQError, "the SDK logged in with a wrong API token"):
        connect(ctx, _BAD_TOKEN)
    with WireClient(ctx) as owner, WireClient(ctx, ctx.other_token) as other:
        base = str(owner.http.base_url).rstrip("/")
        tokens: tuple[tuple[dict[str, str], str], ...] = (
            ({}, "without a token"),
            ({"X-Access-Token": "x"}, "with a bad token"),
        )
        for headers, what in tokens:
            for path in ("/users/me", "/Network", owner.project_path("/Jobs/status/v/1")):
                response = ctx.http_get(f"{base}{path}", headers=headers)
                _expect_refused(response, f"GET {path} {what}", 401)
        created = owner.json_of(
            owner.http.post(
                owner.project_path("/Jobs"),
                json={"backend": {"name": owner.target.backend_name}, "allowObjectStorage": True},
            ),
            "createJob",
        )
        job_id = str(created["id"])
        try:
            _check_other_user(ctx, other, owner, job_id)
        finally:
            owner.http.post(owner.job_path(job_id, "/cancel"))


def _check_other_user(
    ctx: ScenarioContext, other: WireClient, owner: WireClient, job_id: str
) -> None:
    for method, suffix, body in (
        ("GET", "/v/1", None),
        ("GET", "/status/v/1", None),
        ("PUT", "", {"tags": ["taken"]}),
        ("POST", "/cancel", None),
        ("GET", "/resultDownloadUrl", None),
    ):
        response = other.http.request(method, other.job_path(job_id, suffix), json=body)
        what = f"{method} of another user's job {job_id}{suffix} in the other user's project"
        _expect_refused(response, what, 404)
        expect(
            error_code(response) == JOB_NOT_FOUND_CODE,
            f"{what}: error code {error_code(response)!r}, expected {JOB_NOT_FOUND_CODE}",
        )
        response = other.http.request(method, owner.job_path(job_id, suffix), json=body)
        _expect_refused(response, f"{method} {suffix or '/'} in a project of another user", 404)
    with expect_raises(IBMQBackendApiError, "another user's provider retrieved the job"):
        connect(ctx, ctx.other_token).retrieve_job(job_id)
    if ctx.websocket:
        session = record_status_session(
            other.target.ws_url, job_id, other.target.access_token, timeout=10
        )
        expect(
            session.close_code == CLOSE_JOB_NOT_FOUND,
            f"another user's status websocket of the job closed with {session.close_code},"
            f" not {CLOSE_JOB_NOT_FOUND}",
        )


_BAD_FILTERS = (
    "{not json",
    "[]",
    '{"limit": -1}',
    '{"order": "sideways"}',
    '{"where": 5}',
    '{"where": {"status": {"regexp": "("}}}',
    '{"where": {"creationDate": {"between": ["2024-01-01T00:00:00Z"]}}}',
)


def bad_input(ctx: ScenarioContext) -> None:
    """Malformed requests get a 4xx with the error envelope, never a 5xx or a traceback."""
    with WireClient(ctx) as wire:
        for listing in ("/Jobs/status/v/1", "/Jobs/v/1"):
            for text in _BAD_FILTERS:
                response = wire.http.get(wire.project_path(listing), params={"filter": text})
                _expect_refused(response, f"GET {listing} with filter {text}", 400)
        backend = wire.target.backend_name
        properties = wire.project_path(f"/devices/{backend}/properties")
        for params in ({"version": "2"}, {"filter": "{bad"}, {"filter": '{"where": []}'}):
            response = wire.http.get(properties, params=params)
            _expect_refused(response, f"getDeviceProperties with {params}", 400)
        jobs = wire.project_path("/Jobs")
        for content in (b"not json", b"{}", b'{"backend": {"name": 5}}', b"[]"):
            response = wire.http.post(
                jobs, content=content, headers={"Content-Type": "application/json"}
            )
            _expect_refused(response, f"createJob with body {content!r}", 400)
        created = wire.json_of(
            wire.http.post(jobs, json={"backend": {"name": backend}, "allowObjectStorage": True}),
            "createJob",
        )
        job_id = str(created["id"])
        try:
            _check_bad_updates(wire, job_id)
        finally:
            wire.http.post(wire.job_path(job_id, "/cancel"))


def _check_bad_updates(wire: WireClient, job_id: str) -> None:
    bodies: tuple[Any, ...] = ({"tags": "x"}, {"name": 5}, {"name": "a", "tags": []}, {}, [])
    for body in bodies:
        response = wire.http.put(
            wire.job_path(job_id),
            content=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        _expect_refused(response, f"updateJob with body {body!r}", 400)
    response = wire.http.put(
        f"{wire.target.api_url}/objectstorage/{job_id}/qobj",
        params={"expires": "1", "signature": "0"},
        json={},
    )
    _expect_refused(response, "uploadQobj with a wrong signature", 403)
