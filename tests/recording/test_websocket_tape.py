"""The websocket tape records a live connection in order and replays it without a socket."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from ibmqjob.settings import HttpSettings, TimeSource, WebsocketPolicy, session_defaults
from ibmqjob.testing import NoRecordedAnswer, Scrubber, VirtualClock, WebsocketTape

TOKEN = "access-token-of-the-live-session-0123456789"


def status_server(connection: ServerConnection) -> None:
    auth = json.loads(connection.recv())
    if auth.get("data") != TOKEN:
        connection.close(4001, "bad token")
        return
    connection.send(json.dumps({"type": "authenticated"}))
    threading.Event().wait(0.3)  # the client's first read (timeout 0.1) times out
    for status in ("RUNNING", "DONE"):
        connection.send(json.dumps({"type": "job-status", "data": {"status": status}}))
    connection.close(4002, "final")


@pytest.fixture
def server_url() -> Iterator[str]:
    with serve(status_server, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}/ws/jobs/j1/status/v/1"
        server.shutdown()
        thread.join(5)


def session(connect: Any, url: str) -> list[Any]:
    """What a status client does: authenticate, read with a short timeout, then until closed."""
    seen: list[Any] = []
    with connect(url, open_timeout=5) as ws:
        ws.send(json.dumps({"type": "authentication", "data": TOKEN}))
        seen.append(json.loads(ws.recv(timeout=5)))
        try:
            ws.recv(timeout=0.1)
        except TimeoutError:
            seen.append("timeout")
        try:
            while True:
                seen.append(json.loads(ws.recv(timeout=5)))
        except ConnectionClosed as closed:
            seen.append(closed.rcvd.code if closed.rcvd else None)
    return seen


def recorded(url: str) -> tuple[list[dict[str, Any]], list[Any], float]:
    sessions: list[dict[str, Any]] = []
    clock = VirtualClock(really_sleep=True)
    tape = WebsocketTape(sessions, Scrubber([TOKEN]), clock, replay=False, record=True)
    seen = session(tape, url)
    return sessions, seen, clock.now()


def test_record_then_replay(server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sessions, live, waited = recorded(server_url)
    assert live[0] == {"type": "authenticated"}
    assert live[1] == "timeout"
    assert [frame["data"]["status"] for frame in live[2:4]] == ["RUNNING", "DONE"]
    assert live[-1] == 4002
    assert waited >= 0.25
    text = json.dumps(sessions)
    assert TOKEN not in text and "API_TOKEN_1" in text

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a replay opened a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    clock = VirtualClock()
    tape = WebsocketTape(sessions, Scrubber([TOKEN]), clock, replay=True, record=False)
    assert session(tape, server_url) == live
    assert tape.all_played
    assert clock.now() == pytest.approx(waited, abs=0.01)
    with pytest.raises(NoRecordedAnswer, match="no recorded answer for websocket ws://"):
        tape(server_url)


def test_a_different_message_gets_a_clear_error(server_url: str) -> None:
    sessions, _, _ = recorded(server_url)
    tape = WebsocketTape(sessions, Scrubber([TOKEN]), VirtualClock(), replay=True, record=False)
    with tape(server_url) as ws, pytest.raises(NoRecordedAnswer, match="websocket message"):
        ws.send(json.dumps({"type": "authentication", "data": "some-other-token-9876543210"}))


def test_a_refused_connection_is_replayed_as_refused() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"ws://127.0.0.1:{probe.getsockname()[1]}/ws"
    sessions: list[dict[str, Any]] = []
    tape = WebsocketTape(sessions, Scrubber(), VirtualClock(), replay=False, record=True)
    with pytest.raises(OSError):
        tape(url, open_timeout=5)
    replay = WebsocketTape(sessions, Scrubber(), VirtualClock(), replay=True, record=False)
    with pytest.raises(OSError):
        replay(url)


def test_session_defaults_reach_settings_built_inside_and_are_restored() -> None:
    clock = VirtualClock()
    tape = WebsocketTape([], Scrubber(), clock, replay=True, record=False)
    before = HttpSettings()
    with session_defaults(time=clock.time_source(), websocket_connect=tape):
        inside = HttpSettings()
        with session_defaults(time=TimeSource()):
            assert HttpSettings().time.clock is not clock.now
            assert WebsocketPolicy().connect is tape
        assert inside.time.sleep == clock.sleep and inside.websocket.connect is tape
    after = HttpSettings()
    assert after.time == before.time and after.websocket.connect is before.websocket.connect
    inside.time.sleep(3600)
    assert inside.time.clock() == 3600.0


def test_virtual_clock_does_not_wait() -> None:
    clock = VirtualClock()
    source = clock.time_source()
    source.sleep(10.0)
    source.sleep(-1.0)
    clock.advance(0.5)
    assert source.clock() == 10.5
