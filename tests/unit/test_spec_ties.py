"""The handwritten layers are tied to ``spec/openapi.yaml`` both ways.

* Every route of the reference server is an operation of the spec, and every operation of the
  spec has a route (so a path renamed in the spec but not in the server, or an endpoint added
  to one only, fails here); the same for websocket routes and the AsyncAPI channels. Any route
  module added to the server is held to the same rule.
* Every request the SDK sends, as recorded in the cassettes of the scenario suite (the replay
  tests prove that the SDK still sends exactly those), is an operation of the spec with only
  the query parameters it declares and a JSON body its schema accepts; every recorded
  response fits the spec too.
* :class:`conformance.specguard.SpecContract` and the ASGI guard report what they must.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conformance.specguard import SpecContract, SpecGuard
from conformance.specs import load_asyncapi, load_openapi, operations

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "conformance" / "cassettes"
_PARAM = re.compile(r"\{[^}]*\}")
JOB = "/api/Network/h/Groups/g/Projects/p/Jobs/0123/v/1"
# Scenarios whose requests carry invalid bodies on purpose (to see the server refuse them).
INVALID_BODIES_ON_PURPOSE = {"bad_input"}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return load_openapi()


@pytest.fixture(scope="module")
def contract(openapi: dict[str, Any]) -> SpecContract:
    return SpecContract(openapi)


def _server_routes(tmp_path: Path) -> set[tuple[str, str]]:
    """``(METHOD, path)`` of every HTTP route, ``("WEBSOCKET", path)`` of every websocket."""
    from starlette.routing import Mount, Route, WebSocketRoute

    from refserver.app import build_app
    from refserver.config import ServerConfig

    app = build_app(ServerConfig(data_dir=tmp_path))
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(route.routes, prefix + route.path)
            elif isinstance(route, Route):
                for method in route.methods or ():
                    if method != "HEAD":  # Starlette adds HEAD to every GET route
                        found.add((method, _PARAM.sub("{}", prefix + route.path)))
            elif isinstance(route, WebSocketRoute):
                found.add(("WEBSOCKET", _PARAM.sub("{}", prefix + route.path)))

    walk(app.routes, "")
    return found


def test_server_routes_and_spec_operations_are_the_same(
    tmp_path: Path, openapi: dict[str, Any]
) -> None:
    base = openapi["servers"][0]["url"]
    spec = {(op.method, _PARAM.sub("{}", base + op.path)) for op in operations(openapi)}
    asyncapi = load_asyncapi()
    ws_base = "/" + asyncapi["servers"]["reference"]["url"].split("/", 1)[1]
    spec |= {("WEBSOCKET", _PARAM.sub("{}", ws_base + c)) for c in asyncapi["channels"]}
    routes = _server_routes(tmp_path)
    assert routes - spec == set(), "routes of the reference server that the spec lacks"
    assert spec - routes == set(), "operations of the spec the reference server lacks"
    assert ("WEBSOCKET", "/ws/jobs/{}/status/v/1") in routes


def _recorded() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for cassette in sorted(CASSETTES.glob("*.yaml")):
        for interaction in yaml.safe_load(cassette.read_text())["interactions"]:
            found.append((cassette.stem, interaction))
    return found


def test_every_request_the_sdk_sends_is_in_the_spec(contract: SpecContract) -> None:
    recorded = _recorded()
    assert len({name for name, _ in recorded}) >= 10, "the cassettes are missing"
    problems: list[str] = []
    for name, interaction in recorded:
        request = interaction["request"]
        url = urlsplit(request["uri"])
        body = request.get("body") or b""
        body = body.encode() if isinstance(body, str) else body
        check_body = name not in INVALID_BODIES_ON_PURPOSE
        found = contract.request_problems(
            request["method"], url.path, parse_qs(url.query), body, check_body
        )
        problems += [f"{name}: {p}" for p in found]
    assert problems == []


def test_every_recorded_response_fits_the_spec(contract: SpecContract) -> None:
    problems: list[str] = []
    for name, interaction in _recorded():
        request, response = interaction["request"], interaction["response"]
        body = response["body"].get("string") or b""
        body = body.encode() if isinstance(body, str) else body
        content_type = (response["headers"].get("content-type") or [""])[0]
        found = contract.response_problems(
            request["method"],
            urlsplit(request["uri"]).path,
            response["status"]["code"],
            content_type,
            body,
        )
        problems += [f"{name}: {p}" for p in found]
    assert problems == []


def test_the_contract_matches_literal_paths_first(contract: SpecContract) -> None:
    listing = contract.match("GET", "/api/Network/h/Groups/g/Projects/p/Jobs/status/v/1")
    status = contract.match("GET", "/api/Network/h/Groups/g/Projects/p/Jobs/abc/status/v/1")
    assert listing is not None and listing.operation_id == "listJobs"
    assert status is not None and status.operation_id == "getJobStatus"
    assert contract.match("GET", "/api/nowhere") is None
    assert contract.match("PATCH", JOB) is None
    assert contract.match("GET", "/elsewhere/version") is None


def test_the_contract_finds_bad_requests(contract: SpecContract) -> None:
    jobs = "/api/Network/h/Groups/g/Projects/p/Jobs"
    assert contract.request_problems("POST", jobs, {}, b'{"backend": {"name": "x"}}') == []
    (unknown,) = contract.request_problems("GET", jobs + "/status/v/1", {"limit": ["1"]}, None)
    assert "undeclared query parameter `limit`" in unknown
    (body,) = contract.request_problems("POST", jobs, {}, b'{"backend": {"name": "x"}, "x": 1}')
    assert "createJob" in body and "'x' was unexpected" in body
    (missing,) = contract.request_problems("POST", jobs, {}, b"")
    assert "request body is required" in missing
    assert contract.request_problems("POST", jobs, {}, b"[]", check_body=False) == []
    (nowhere,) = contract.request_problems("DELETE", "/api/version", {}, None)
    assert "no operation of the spec" in nowhere


def test_the_contract_finds_bad_responses(contract: SpecContract) -> None:
    good = {"id": "0123", "creationDate": "2024-05-01T12:00:00.123Z", "status": "QUEUED"}
    ok = json.dumps(good).encode()
    assert contract.response_problems("GET", JOB, 200, "application/json", ok) == []
    bad = json.dumps({**good, "status": 5}).encode()
    (wrong,) = contract.response_problems("GET", JOB, 200, "application/json", bad)
    assert "getJob" in wrong and "at /status" in wrong
    (teapot,) = contract.response_problems("GET", JOB, 418, "application/json", ok)
    assert "status not documented" in teapot
    (text,) = contract.response_problems("GET", JOB, 200, "text/plain", b"hello")
    assert "media type text/plain not documented" in text
    (garbled,) = contract.response_problems("GET", JOB, 200, "application/json", b"{")
    assert "not JSON" in garbled


def _serve_once(
    guard: SpecGuard,
    path: str,
    method: str = "GET",
    headers: tuple[tuple[bytes, bytes], ...] = (),
    query: bytes = b"",
    body: bytes = b"",
) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": list(headers),
        "query_string": query,
    }
    asyncio.run(guard(scope, receive, send))
    return sent


def test_the_guard_reports_a_bad_answer_before_the_client_has_it(
    contract: SpecContract,
) -> None:
    reported: list[str] = []
    events: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"id": "1",', "more_body": True})
        await send({"type": "http.response.body", "body": b' "status": "QUEUED"}'})
        events.append("sent")

    def report(problem: str) -> None:
        reported.append(problem)
        events.append("reported")

    guard = SpecGuard(app, contract, report)
    sent = _serve_once(guard, JOB)
    assert [m["type"] for m in sent] == ["http.response.start", *["http.response.body"] * 2]
    (problem,) = reported
    assert problem.startswith(f"GET {JOB} -> getJob") and "'creationDate' is a required" in problem
    assert events == ["reported", "sent"]
    # Paths outside the spec are passed through unchecked.
    assert len(_serve_once(guard, "/api/not-in-the-spec")) == 3 and len(reported) == 1
    # Bodies above the limit are not checked.
    assert _serve_once(SpecGuard(app, contract, report, max_body_bytes=8), JOB)
    assert len(reported) == 1


def test_the_guard_checks_the_requests_of_the_marked_client(contract: SpecContract) -> None:
    reported: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        headers = [(b"content-type", b"application/json")]
        body = b'{"error": {"message": "no", "code": 3250}}'
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    marker = (b"x-qx-client-application", b"ibmqjob/")
    guard = SpecGuard(app, contract, reported.append, client_marker=marker)
    sdk = ((b"X-Qx-Client-Application", b"ibmqjob/1.0"),)
    listing = "/api/Network/h/Groups/g/Projects/p/Jobs/status/v/1"
    _serve_once(guard, listing, query=b"filter=%7B%7D")
    _serve_once(guard, listing, headers=sdk, query=b"filter=%7B%7D")
    assert reported == []
    _serve_once(guard, listing, query=b"limit=5")  # another client: not checked
    assert reported == []
    _serve_once(guard, listing, headers=sdk, query=b"limit=5")
    (problem,) = reported
    assert problem.startswith(f"GET {listing} -> listJobs") and "`limit`" in problem
    jobs = "/api/Network/h/Groups/g/Projects/p/Jobs"
    _serve_once(guard, jobs, "POST", sdk, body=b'{"backend": {"name": "x"}, "priority": 1}')
    assert len(reported) == 2 and "'priority' was unexpected" in reported[1]
    _serve_once(guard, "/api/Network/h/Groups/g/Projects/p/Jobs/abort", "POST", sdk)
    assert len(reported) == 3 and "client called no operation of the spec" in reported[2]
