"""The status websocket client against a scripted websocket server on loopback."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from ibmqjob._api.records import WebsocketTarget
from ibmqjob._api.websocket import StatusWebsocket
from ibmqjob.exceptions import (
    WebsocketAuthenticationError,
    WebsocketError,
    WebsocketTimeoutError,
)
from ibmqjob.settings import RetryPolicy, WebsocketPolicy

TOKEN = "ws-secret-access-token"
Script = Callable[[ServerConnection, int], None]


def status_frame(status: str, **data: Any) -> str:
    return json.dumps({"type": "job-status", "data": {"status": status, **data}})


def wait_for_client_close(ws: ServerConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        ws.recv(timeout=5)


def authenticate(ws: ServerConnection) -> None:
    message = json.loads(ws.recv(timeout=5))
    assert message == {"type": "authentication", "data": TOKEN}
    ws.send(json.dumps({"type": "authenticated"}))


class ScriptedServer:
    """Runs ``script(connection, attempt)`` for each connection (attempt counts from 0)."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.attempts = 0
        self.errors: list[BaseException] = []
        self.server = serve(
            self._handle,
            "127.0.0.1",
            0,
            compression=None,
            logger=logging.getLogger("scripted.server"),
        )
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handle(self, ws: ServerConnection) -> None:
        attempt, self.attempts = self.attempts, self.attempts + 1
        try:
            self.script(ws, attempt)
        except Exception as err:  # surfaced by the test, not swallowed
            self.errors.append(err)

    def target(self, job_id: str = "job-1") -> WebsocketTarget:
        return WebsocketTarget(f"ws://127.0.0.1:{self.port}/ws/jobs/{job_id}/status/v/1", TOKEN)


@pytest.fixture
def server_for() -> Iterator[Callable[[Script], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(script: Script) -> ScriptedServer:
        server = ScriptedServer(script)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.server.shutdown()
        server.thread.join(5)
        assert not server.errors, server.errors


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(server: ScriptedServer, sleeps: Sleeps | None = None, **policy: Any) -> StatusWebsocket:
    return StatusWebsocket(
        server.target(),
        "job-1",
        WebsocketPolicy(**policy),
        sleep=Sleeps() if sleeps is None else sleeps,
    )


def statuses(stream: Iterator[Any]) -> list[str | None]:
    return [None if record is None else record.status for record in stream]


def test_statuses_until_final_then_4002(server_for: Callable[[Script], ScriptedServer]) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        queue = {"position": 2, "estimatedStartTime": "2024-05-01T12:10:00Z"}
        ws.send(status_frame("QUEUED", infoQueue=queue))
        ws.send(status_frame("RUNNING"))
        ws.send(status_frame("COMPLETED"))
        ws.close(4002, "job done")

    server = server_for(script)
    records = list(client(server)(None, None))
    assert statuses(iter(records)) == ["QUEUED", "RUNNING", "COMPLETED"]
    first = records[0]
    assert first is not None and first.info_queue is not None and first.info_queue.position == 2


@pytest.mark.parametrize("deferred", [True, False])
def test_a_reader_that_stops_at_the_final_status_closes_later_or_at_once(
    server_for: Callable[[Script], ScriptedServer], deferred: bool
) -> None:
    closed = threading.Event()

    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.send(status_frame("COMPLETED"))
        wait_for_client_close(ws)  # the server keeps its side open until the client closes
        closed.set()

    server = server_for(script)
    later: list[tuple[str, Callable[[], None]]] = []
    target = server.target()
    if deferred:
        target = dataclasses.replace(target, defer=lambda what, work: later.append((what, work)))
    stream = StatusWebsocket(target, "job-1", WebsocketPolicy(), sleep=Sleeps())(None, None)
    with contextlib.closing(stream):
        first = next(stream)
        assert first is not None and first.status == "COMPLETED"
    if deferred:
        assert [what for what, _ in later] == ["close the status websocket of job job-1"]
        assert not closed.wait(0.2)  # the handshake waits for the deferred work
        later[0][1]()
    assert closed.wait(5)


def test_normal_close_before_final_ends_the_stream(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.send(status_frame("RUNNING"))
        ws.close(1000)

    assert statuses(client(server_for(script))(None, None)) == ["RUNNING"]


def test_job_not_found(server_for: Callable[[Script], ScriptedServer]) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.close(4003, "not found")

    server = server_for(script)
    with pytest.raises(WebsocketError, match="Job ID job-1 not found"):
        list(client(server)(None, None))
    assert server.attempts == 1


def test_bad_authentication_answer_is_not_retried(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        ws.recv(timeout=5)
        ws.send(json.dumps({"type": "error", "data": "bad token"}))
        ws.close(1000)

    server = server_for(script)
    with pytest.raises(WebsocketAuthenticationError, match="Failed to authenticate"):
        list(client(server)(None, None))
    assert server.attempts == 1


def test_4001_and_bad_frames_are_retried_with_backoff(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        if attempt == 0:
            ws.send(status_frame("QUEUED"))
            ws.close(4001, "internal error")
        elif attempt == 1:
            ws.send("this is not json")
            wait_for_client_close(ws)
        elif attempt == 2:
            ws.send(json.dumps({"type": "job-status", "data": {"no": "status"}}))
            wait_for_client_close(ws)
        else:
            ws.send(status_frame("COMPLETED"))
            ws.close(4002)

    server = server_for(script)
    sleeps = Sleeps()
    assert statuses(client(server, sleeps)(None, None)) == ["QUEUED", "COMPLETED"]
    assert server.attempts == 4
    # Three failures in a row: the QUEUED frame came before the first one.
    assert sleeps == [0.5, 1.0, 2.0]


def test_retries_are_bounded(server_for: Callable[[Script], ScriptedServer]) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.close(4001)

    server = server_for(script)
    sleeps = Sleeps()
    with pytest.raises(WebsocketError, match="Max retries exceeded"):
        list(client(server, sleeps, retries=3)(None, None))
    assert server.attempts == 4 and sleeps == [0.5, 1.0, 2.0]


def test_silence_yields_ticks_then_times_out(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.send(status_frame("QUEUED"))
        wait_for_client_close(ws)

    server = server_for(script)
    start = time.monotonic()
    seen: list[str | None] = []
    with pytest.raises(WebsocketTimeoutError):
        for record in client(server)(start + 0.5, 0.1):
            seen.append(None if record is None else record.status)
    elapsed = time.monotonic() - start
    assert 0.45 <= elapsed < 2
    assert seen[0] == "QUEUED" and seen.count(None) >= 3


def test_deadline_too_close_to_reconnect(server_for: Callable[[Script], ScriptedServer]) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.close(4001)

    server = server_for(script)
    with pytest.raises(WebsocketError, match="Not enough time left"):
        list(client(server, backoff_factor=5)(time.monotonic() + 2, None))
    assert server.attempts == 1


def test_connection_refused_is_not_retried() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    target = WebsocketTarget(f"ws://127.0.0.1:{port}/ws/jobs/x/status/v/1", TOKEN)
    sleeps = Sleeps()
    with pytest.raises(WebsocketAuthenticationError, match="Failed to open"):
        list(StatusWebsocket(target, "x", sleep=sleeps)(None, None))
    assert sleeps == []


def test_expired_deadline_before_connecting(server_for: Callable[[Script], ScriptedServer]) -> None:
    server = server_for(lambda ws, attempt: None)
    with pytest.raises(WebsocketTimeoutError):
        list(client(server)(time.monotonic() - 1, None))


def test_the_token_is_never_logged(
    server_for: Callable[[Script], ScriptedServer], caplog: pytest.LogCaptureFixture
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        if attempt == 0:
            ws.close(4001)
            return
        ws.send(status_frame("COMPLETED"))
        ws.close(4002)

    with caplog.at_level(logging.DEBUG):
        list(client(server_for(script))(None, None))
    ours = [r for r in caplog.records if not r.name.startswith("scripted.")]
    assert any(r.name == "ibmqjob._api.websocket.wire" for r in ours)
    assert any("authentication" in r.getMessage() for r in ours)  # the frame was logged...
    assert not any(TOKEN in r.getMessage() for r in ours)  # ...without the token


@pytest.mark.parametrize(("attempt", "delay"), [(1, 0.5), (2, 1), (3, 2), (4, 4), (5, 8), (9, 8)])
def test_reconnect_delay(attempt: int, delay: float) -> None:
    assert WebsocketPolicy().backoff(attempt - 1) == delay
    # One formula: the HTTP retry backoff without its jitter.
    assert RetryPolicy(jitter=0).backoff(attempt - 1) == delay


def test_reconnections_wait_the_policy_backoff(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        if attempt < 3:
            ws.close(4001, "server error")
            return
        ws.send(status_frame("COMPLETED"))
        ws.close(4002)

    sleeps = Sleeps()
    server = server_for(script)
    records = statuses(client(server, sleeps, backoff_factor=0.25, backoff_max=0.75)(None, None))
    assert records == ["COMPLETED"]
    assert sleeps == [0.25, 0.5, 0.75]


def test_each_status_frame_resets_the_failure_count(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        if attempt < 4:
            ws.send(status_frame("RUNNING"))
            ws.close(4001)
            return
        ws.send(status_frame("COMPLETED"))
        ws.close(4002)

    sleeps = Sleeps()
    assert statuses(client(server_for(script), sleeps, retries=1)(None, None))[-1] == "COMPLETED"
    assert sleeps == [0.5] * 4


def test_job_waits_on_the_websocket_without_polling(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    from tests.unit.fake_job_api import FakeJobApi, make_job, result_document

    api = FakeJobApi()
    job_id = api.add(["QUEUED", "COMPLETED"])

    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.send(status_frame("RUNNING"))
        api.jobs[job_id].index = 1  # the server finishes the job
        ws.send(status_frame("COMPLETED"))
        ws.close(4002)

    server = server_for(script)
    api.jobs[job_id].result = result_document(job_id, [True])
    api.websocket = server.target(job_id)
    job = make_job(api, job_id)
    assert job.result().success
    assert api.count("job_status") == 0 and server.attempts == 1


def test_job_timeout_is_honoured_on_the_websocket(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    from ibmqjob.exceptions import IBMQJobTimeoutError
    from tests.unit.fake_job_api import FakeJobApi, make_job

    def script(ws: ServerConnection, attempt: int) -> None:
        authenticate(ws)
        ws.send(status_frame("QUEUED"))
        wait_for_client_close(ws)

    server = server_for(script)
    api = FakeJobApi()
    job_id = api.add(["QUEUED"])
    api.websocket = server.target(job_id)
    job = make_job(api, job_id)
    start = time.monotonic()
    with pytest.raises(IBMQJobTimeoutError, match=f"Timeout while waiting for job {job_id}"):
        job.result(timeout=0.3)
    assert 0.25 <= time.monotonic() - start < 2


def test_silent_server_during_authentication(
    server_for: Callable[[Script], ScriptedServer],
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        ws.recv(timeout=5)  # the authentication frame, never answered
        wait_for_client_close(ws)

    server = server_for(script)
    with pytest.raises(WebsocketAuthenticationError, match="no answer to the authentication"):
        list(client(server, open_timeout=0.2)(None, None))
    start = time.monotonic()
    with pytest.raises(WebsocketTimeoutError):
        list(client(server)(start + 0.2, None))
    assert time.monotonic() - start < 2


@pytest.mark.parametrize(
    ("answer", "close_code", "match"),
    [
        ("not json", None, "unexpected answer"),
        (None, 1011, r"connection was closed \(1011\)"),
        (None, 4003, "Job ID job-1 not found"),
    ],
)
def test_broken_authentication(
    server_for: Callable[[Script], ScriptedServer],
    answer: str | None,
    close_code: int | None,
    match: str,
) -> None:
    def script(ws: ServerConnection, attempt: int) -> None:
        ws.recv(timeout=5)
        if answer is not None:
            ws.send(answer)
            wait_for_client_close(ws)
        if close_code is not None:
            ws.close(close_code)

    server = server_for(script)
    with pytest.raises(WebsocketError, match=match):
        list(client(server)(None, None))
    assert server.attempts == 1
