"""Hostile input: malformed requests get a 400 envelope, and no filter can stall the server."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from refserver.config import ServerConfig
from refserver.runner import ServerThread
from refserver.testing import ApiSession

JSON = {"Content-Type": "application/json"}
CREATE = b'{"backend": {"name": "ibmq_qasm_simulator"}, '

MALFORMED_BODIES = [
    ("deep arrays", b"[" * 50_000 + b"]" * 50_000),
    ("deep objects", b'{"a":' * 5_000 + b"1" + b"}" * 5_000),
    ("4301-digit integer", CREATE + b'"name": ' + b"7" * 4301 + b"}"),
    ("integer beyond 64 bits", CREATE + b'"name": ' + b"7" * 40 + b"}"),
    ("lone surrogate in name", CREATE + b'"name": "bell \\ud800"}'),
    ("lone surrogate in a tag", CREATE + b'"tags": ["ok", "\\udc00"]}'),
    ("lone surrogate in a key", CREATE + b'"\\ud800": 1}'),
    ("lone surrogate in backend", b'{"backend": {"name": "\\udbff"}}'),
    ("NaN", CREATE + b'"liveDataEnabled": NaN}'),
    ("Infinity", CREATE + b'"liveDataEnabled": 1e999}'),
    ("invalid UTF-8", CREATE + b'"name": "\xff\xfe"}'),
    ("UTF-16", '{"backend": {"name": "x"}}'.encode("utf-16")),
]


def _is_envelope(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    error: dict[str, Any] = response.json()["error"]
    assert error["status"] == status and error["message"]
    return error


@pytest.mark.parametrize(("case", "body"), MALFORMED_BODIES, ids=[c for c, _ in MALFORMED_BODIES])
def test_malformed_job_bodies_are_400(demo_session: ApiSession, case: str, body: bytes) -> None:
    _is_envelope(demo_session.request("POST", "/Jobs", content=body, headers=JSON))


def test_malformed_login_update_and_filters_are_400(demo_session: ApiSession) -> None:
    client = demo_session.client
    _is_envelope(client.post("/users/loginWithToken", content=b'{"apiToken": "\\ud800"}'))
    _is_envelope(client.post("/users/loginWithToken", content=b"[" * 20_000))
    job = demo_session.create(name="hostile-update")
    path = f"/Jobs/{job['id']}"
    _is_envelope(demo_session.request("PUT", path, content=b'{"name": "\\ud800"}', headers=JSON))
    _is_envelope(demo_session.request("PUT", path, content=b'{"tags": [' + b"[" * 90 + b"]}"))
    for text in (
        '{"where": {"name": "\\ud800"}}',
        '{"limit": ' + "9" * 30 + "}",
        '{"skip": ' + "1" * 5000 + "}",
        '{"limit": NaN}',
        '{"where": {"name": {"regexp": "(a)\\\\1"}}}',
        '{"where": ' + '{"and": [' * 40 + "{}" + "]}" * 40 + "}",
        "\x00",
    ):
        response = demo_session.request("GET", "/Jobs/status/v/1", params={"filter": text})
        assert _is_envelope(response)["code"] == 3216
    upload = job["objectStorageInfo"]["uploadUrl"]
    _is_envelope(client.put(upload, content=b"[" * 100_000))
    # Nothing malformed was stored: the project still lists, and the job kept its name.
    listed = demo_session.jobs({"where": {"name": "hostile-update"}})
    assert [j["id"] for j in listed] == [job["id"]]


def test_catastrophic_regexp_does_not_stall_other_requests(server_factory: Any) -> None:
    server: ServerThread = server_factory(job_limit=-1)
    assert server.demo_token is not None
    evil = {"where": {"name": {"regexp": "^(a+)+$"}}}
    with ApiSession(server.auth_url, server.demo_token) as session:
        for length in (28, 64, 255):
            session.create(name="a" * length + "!")
        probe = session.create(name="probe")["id"]
        latencies: list[float] = []
        stop, ready = threading.Event(), threading.Event()

        def poll() -> None:
            with ApiSession(server.auth_url, server.demo_token or "") as poller:
                ready.set()
                while not stop.is_set() and len(latencies) < 500:
                    started = time.perf_counter()
                    poller.status(probe)
                    latencies.append(time.perf_counter() - started)

        poller = threading.Thread(target=poll)
        poller.start()
        assert ready.wait(30)
        try:
            started = time.perf_counter()
            for _ in range(5):
                assert session.jobs(evil) == []
            elapsed = time.perf_counter() - started
            while len(latencies) < 3 and time.perf_counter() - started < 10:
                time.sleep(0.01)
        finally:
            stop.set()
            poller.join(30)
    # A backtracking engine needs 13 s for 28 a's alone, doubling every two more.
    assert elapsed < 5.0
    assert latencies and max(latencies) < 2.0


def test_host_header_is_never_reflected(reference_server: ServerThread) -> None:
    assert reference_server.demo_token is not None
    with ApiSession(reference_server.auth_url, reference_server.demo_token) as session:
        evil = {"Host": "evil.example:666"}
        me = session.client.get("/users/me", headers=evil).json()
        assert me["urls"] == {
            "http": reference_server.auth_url,
            "ws": reference_server.ws_url,
            "services": {},
        }
        response = session.request("POST", "/Jobs", headers=evil, json=_creation())
        upload = response.json()["objectStorageInfo"]["uploadUrl"]
        assert upload.startswith(reference_server.auth_url + "/objectstorage/")
        assert "evil" not in json.dumps(me) + upload


def test_public_url_is_used_for_every_url(server_factory: Any) -> None:
    server: ServerThread = server_factory(public_url="https://quantum.example.com/rs/")
    assert server.demo_token is not None
    with ApiSession(server.auth_url, server.demo_token) as session:
        me = session.client.get("/users/me").json()
        assert me["urls"]["http"] == "https://quantum.example.com/rs/api"
        assert me["urls"]["ws"] == "wss://quantum.example.com/rs/ws"
        job = session.create()
        upload = job["objectStorageInfo"]["uploadUrl"]
        assert upload.startswith(f"https://quantum.example.com/rs/api/objectstorage/{job['id']}/")
        # The signed path and query work on the listening address too (a proxy strips /rs).
        path = upload.split("/rs/api", 1)[1]
        assert session.client.put(path, content=b"{}").status_code == 400  # not a Qobj


@pytest.mark.parametrize(
    "url", ["ftp://x", "quantum.example.com", "https://", "https://h/?q=1", "https://u:p@h"]
)
def test_bad_public_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="public_url"):
        ServerConfig(data_dir=Path("unused"), public_url=url)


def _creation() -> dict[str, Any]:
    return {"backend": {"name": "ibmq_qasm_simulator"}}
