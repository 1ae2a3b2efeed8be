"""A scripted job API served through ``httpx.MockTransport`` (no sockets, no wall time).

It answers the calls of a login and of a job's life (create, upload, jobDataUploaded,
status, get, cancel, result download) with fixed documents, records every request, and
lets a test queue outcomes (a response or a transport error) for the next requests whose
method and path match, to simulate failures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ibmqjob._api import ProjectApi
from ibmqjob._api.operations import AccountSession, login
from ibmqjob.settings import HttpSettings, RetryPolicy, TimeSource

API_TOKEN = "api-token-0123-SECRET"
ACCESS_TOKEN = "access-token-4567-SECRET"
AUTH_URL = "http://auth.test/api"
API_URL = "http://api.test/api"
STORAGE = "http://storage.test"
SIGNATURE = "sig-89ab-SECRET"
JOB_ID = "0123456789abcdef01234567"
HGP = "/api/Network/h/Groups/g/Projects/p"
CREATED = "2024-05-01T12:00:00.123Z"

Outcome = httpx.Response | Exception


def envelope(status: int, message: str, code: int | str) -> httpx.Response:
    """An error response with the ``{"error": {...}}`` envelope."""
    return httpx.Response(status, json={"error": {"message": message, "code": code}})


def job_document(status: str = "VALIDATING", **extra: Any) -> dict[str, Any]:
    """A job document of the fake job."""
    return {
        "id": JOB_ID,
        "creationDate": CREATED,
        "status": status,
        "kind": "q-object-external-storage",
        "backend": {"name": "sim"},
        **extra,
    }


@dataclass
class FakeApi:
    """The scripted server. Call it with a request (it is the MockTransport handler)."""

    requests: list[httpx.Request] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)
    result: bytes = b'{"success": true, "results": []}'
    _queued: list[tuple[str, str, Outcome]] = field(default_factory=list)

    def queue(self, method: str, path_regex: str, *outcomes: Outcome) -> None:
        """Answer the next matching requests with ``outcomes``, one each, in order."""
        self._queued.extend((method, path_regex, outcome) for outcome in outcomes)

    def calls(self, method: str, path_regex: str) -> list[httpx.Request]:
        """The recorded requests matching a method and a path regex."""
        return [
            r for r in self.requests if r.method == method and re.search(path_regex, r.url.path)
        ]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        for index, (method, regex, outcome) in enumerate(self._queued):
            if method == request.method and re.search(regex, request.url.path):
                del self._queued[index]
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome
        return self._route(request)

    def _route(self, request: httpx.Request) -> httpx.Response:
        for method, regex, answer in self._routes():
            if method == request.method and re.fullmatch(regex, request.url.path):
                return answer(request)
        return envelope(404, f"no route for {request.method} {request.url.path}", 404)

    def _routes(self) -> list[tuple[str, str, Callable[[httpx.Request], httpx.Response]]]:
        ok = httpx.Response
        job = f"{HGP}/Jobs/{JOB_ID}"
        return [
            ("GET", "/api/version", lambda r: ok(200, json={"api-auth": "0.1", "new_api": True})),
            ("POST", "/api/users/loginWithToken", self._login),
            ("GET", "/api/users/me", self._me),
            ("GET", "/api/Network", self._network),
            ("POST", f"{HGP}/Jobs", self._create),
            ("PUT", f"/put/{JOB_ID}", self._upload),
            ("POST", f"{job}/jobDataUploaded", lambda r: ok(200, json={"job": job_document()})),
            ("POST", f"{job}/cancel", lambda r: ok(200, json={"cancelled": True})),
            ("GET", f"{job}/v/1", lambda r: ok(200, json=job_document("COMPLETED"))),
            ("GET", f"{job}/status/v/1", lambda r: ok(200, json={"status": "RUNNING"})),
            (
                "GET",
                f"{job}/resultDownloadUrl",
                lambda r: ok(200, json={"url": self._signed("get")}),
            ),
            ("GET", f"/get/{JOB_ID}", lambda r: ok(200, content=self.result)),
            ("GET", f"{HGP}/Jobs/status/v/1", lambda r: ok(200, json=[job_document("QUEUED")])),
        ]

    def _login(self, request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("apiToken") != API_TOKEN:
            return envelope(401, "Invalid token", "AUTHORIZATION_REQUIRED")
        return httpx.Response(200, json={"id": ACCESS_TOKEN, "ttl": 1209600, "userId": "u"})

    def _me(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("X-Access-Token") != ACCESS_TOKEN:
            return envelope(401, "Authorization Required", "AUTHORIZATION_REQUIRED")
        return httpx.Response(200, json={"urls": {"http": API_URL, "ws": "ws://api.test/ws"}})

    def _network(self, request: httpx.Request) -> httpx.Response:
        projects = {"p": {"isDefault": True}, "q": {}}
        return httpx.Response(200, json=[{"name": "h", "groups": {"g": {"projects": projects}}}])

    def _create(self, request: httpx.Request) -> httpx.Response:
        info = {"uploadUrl": self._signed("put")}
        return httpx.Response(200, json=job_document("CREATING", objectStorageInfo=info))

    def _upload(self, request: httpx.Request) -> httpx.Response:
        self.uploads.append(request.content)
        return httpx.Response(200, json={})

    @staticmethod
    def _signed(kind: str) -> str:
        return f"{STORAGE}/{kind}/{JOB_ID}?expires=99&signature={SIGNATURE}"


@dataclass
class Harness:
    """A logged-in session over the fake API, with the sleeps the transport asked for."""

    fake: FakeApi
    sleeps: list[float]
    session: AccountSession
    project: ProjectApi


class VirtualClock:
    """A clock that only sleeps move: waits take no wall time."""

    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def clock(self) -> float:
        return self.now


def connect(
    fake: FakeApi | None = None,
    policy: RetryPolicy | None = None,
    clock: VirtualClock | None = None,
) -> Harness:
    """Log in to the fake API with no jitter and a recording sleep (on ``clock`` if given)."""
    fake = fake or FakeApi()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if clock is not None:
            clock.sleep(seconds)

    time = TimeSource(sleep=sleep) if clock is None else TimeSource(sleep=sleep, clock=clock.clock)
    settings = HttpSettings(
        policy=policy or RetryPolicy(),
        time=time,
        rand=lambda: 0.0,
        transport=httpx.MockTransport(fake),
    )
    session = login(AUTH_URL, API_TOKEN, settings)
    project = session.project(session.network()[0])
    return Harness(fake, sleeps, session, project)
