"""Slow and abusive clients: header and body deadlines, login throttling."""

from __future__ import annotations

import socket
import time
from typing import Any

import httpx
import pytest

from refserver import runner
from refserver.runner import ServerThread


def _connect(server: ServerThread) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.settimeout(10)
    return sock


def _closed_after(sock: socket.socket, trickle: bytes, limit: float) -> float:
    """Send ``trickle`` a byte every 0.1 s until the server closes; seconds it took."""
    started = time.monotonic()
    sock.setblocking(False)
    try:
        for byte in trickle:
            if time.monotonic() - started > limit:
                break
            try:
                if sock.recv(4096) == b"":
                    return time.monotonic() - started
            except BlockingIOError:
                pass
            try:
                sock.send(bytes([byte]))
            except OSError:
                return time.monotonic() - started
            time.sleep(0.1)
        sock.settimeout(limit)
        sock.setblocking(True)
        while sock.recv(4096):
            pass
        return time.monotonic() - started
    except OSError:
        return time.monotonic() - started
    finally:
        sock.close()


@pytest.mark.parametrize("parser", ["httptools", "h11"])
def test_slow_headers_are_cut_off(
    server_factory: Any, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    if parser == "h11":
        monkeypatch.setattr(runner, "FAST_PROTOCOL", None)
    elif runner.FAST_PROTOCOL is None:
        pytest.skip("httptools is not installed")
    server: ServerThread = server_factory(header_timeout=1.0)
    slow = b"GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200
    assert _closed_after(_connect(server), slow, limit=8) < 4
    # A connection that sends nothing at all is closed too.
    silent = _connect(server)
    started = time.monotonic()
    assert silent.recv(1) == b""
    assert time.monotonic() - started < 4
    silent.close()
    # A normal client is not affected, over a kept-alive connection either.
    with httpx.Client(base_url=server.auth_url) as client:
        for _ in range(3):
            assert client.get("/version").status_code == 200
            time.sleep(0.4)


@pytest.mark.parametrize("parser", ["httptools", "h11"])
def test_slow_headers_after_a_complete_request_are_cut_off(
    server_factory: Any, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    if parser == "h11":
        monkeypatch.setattr(runner, "FAST_PROTOCOL", None)
    elif runner.FAST_PROTOCOL is None:
        pytest.skip("httptools is not installed")
    server: ServerThread = server_factory(header_timeout=1.0)
    sock = _connect(server)
    # A whole request in one read sets no deadline; the next one, trickled, must get one.
    sock.sendall(b"GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
        chunk = sock.recv(4096)
        assert chunk, answer
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer
    slow = b"GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200
    # uvicorn's own keep-alive timeout is 5 s: closing sooner is the header deadline.
    assert _closed_after(sock, slow, limit=8) < 4


def test_slow_body_gets_a_408(server_factory: Any) -> None:
    server: ServerThread = server_factory(body_timeout=1.0)
    sock = _connect(server)
    sock.sendall(
        b"POST /api/users/loginWithToken HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"apiToken"'
    )
    started = time.monotonic()
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    sock.close()
    assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b'"code":3408' in answer


def test_logins_are_throttled_per_api_token(server_factory: Any) -> None:
    server: ServerThread = server_factory(login_burst=3, login_rate=0.5)
    with httpx.Client(base_url=server.auth_url) as client:

        def login(token: str | None) -> httpx.Response:
            return client.post("/users/loginWithToken", json={"apiToken": token})

        assert [login(server.demo_token).status_code for _ in range(3)] == [200] * 3
        refused = login(server.demo_token)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == 3449
        assert 1 <= int(refused.headers["Retry-After"]) <= 2
        # Other tokens have their own allowance; guessed tokens are throttled alike.
        assert login(server.other_token).status_code == 200
        assert [login("guess").status_code for _ in range(4)] == [401, 401, 401, 429]
        time.sleep(2.1)
        assert login(server.demo_token).status_code == 200
