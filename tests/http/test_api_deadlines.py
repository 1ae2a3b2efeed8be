"""The transport under faults, on a mock transport and a virtual clock: deadlines bound whole
requests and their retries, bodies are read to a cap, and reads cut mid-body are retried."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator

import httpx
import pytest

from ibmqjob._api.deadline import deadline_scope
from ibmqjob._api.http import build_client, read_limited
from ibmqjob.exceptions import RequestsApiError, UserTimeoutExceededError
from ibmqjob.settings import HttpSettings, RetryPolicy, TimeSource
from tests.http.fake_api import VirtualClock

BASE = "http://api.test/api"


class Trickle(httpx.SyncByteStream):
    """A body sent one byte per ``interval`` seconds of the virtual clock."""

    def __init__(self, clock: VirtualClock, body: bytes, interval: float) -> None:
        self.clock, self.body, self.interval = clock, body, interval
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for index in range(len(self.body)):
            self.clock.sleep(self.interval)
            self.sent += 1
            yield self.body[index : index + 1]


class Endless(httpx.SyncByteStream):
    """A body of 64 KiB chunks that never ends; counts what was taken."""

    def __init__(self) -> None:
        self.chunks = 0

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.chunks += 1
            yield b" " * 65536


class CutAfter(httpx.SyncByteStream):
    """Half of a body, then the connection drops."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        yield self.body[: len(self.body) // 2]
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def client(
    handler: Callable[[httpx.Request], httpx.Response],
    clock: VirtualClock,
    **settings: object,
) -> httpx.Client:
    return build_client(
        BASE,
        settings=HttpSettings(
            time=TimeSource(sleep=clock.sleep, clock=clock.clock),
            rand=lambda: 0.0,
            transport=httpx.MockTransport(handler),
            **settings,  # type: ignore[arg-type]
        ),
    )


def test_a_trickled_body_ends_at_the_callers_deadline() -> None:
    clock = VirtualClock()
    streams: list[Trickle] = []

    def handler(request: httpx.Request) -> httpx.Response:
        streams.append(Trickle(clock, b'{"status": "RUNNING"}' * 10, 0.5))
        return httpx.Response(200, stream=streams[-1])

    with client(handler, clock) as http, deadline_scope(clock.clock, 5.0):
        with pytest.raises(UserTimeoutExceededError, match="deadline"):
            http.get("/status")

    assert clock.now <= 5.0 + 0.5
    assert len(streams) == 1 and streams[0].sent <= 11


def test_a_trickled_body_ends_at_the_attempts_own_bound_and_a_get_is_retried() -> None:
    clock = VirtualClock()
    answers = iter(
        [
            httpx.Response(200, stream=Trickle(clock, b"x" * 1000, 1.0)),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    with client(lambda request: next(answers), clock, read_timeout=10.0) as http:
        response = http.get("/status")

    assert response.json() == {"ok": True}
    assert 10.0 <= clock.now <= 16.0  # one attempt bound (5 + 10 s), then 0.5 s of backoff


def test_a_body_over_the_cap_is_refused_having_read_no_more_than_the_cap() -> None:
    clock = VirtualClock()
    endless = Endless()
    with client(
        lambda request: httpx.Response(200, stream=endless), clock, max_response_bytes=2**20
    ) as http:
        with pytest.raises(RequestsApiError, match="max_response_bytes") as info:
            http.get("/jobs")

    assert endless.chunks <= 2**20 // 65536 + 1
    assert f"limit of {2**20} bytes" in info.value.message


def test_an_announced_body_over_the_cap_is_refused_before_reading() -> None:
    clock = VirtualClock()
    endless = Endless()
    headers = {"Content-Length": str(500 * 2**20)}
    with client(lambda r: httpx.Response(200, headers=headers, stream=endless), clock) as http:
        with pytest.raises(RequestsApiError, match="announced as 524288000 bytes"):
            http.get("/jobs")

    assert endless.chunks == 0


def test_a_compressed_body_is_capped_once_decompressed_too() -> None:
    clock = VirtualClock()
    bomb = gzip.compress(b" " * (8 * 2**20))
    headers = {"Content-Encoding": "gzip"}
    with client(
        lambda r: httpx.Response(200, headers=headers, content=bomb),
        clock,
        max_response_bytes=2**20,
    ) as http:
        response = http.send(http.build_request("GET", "/jobs"), stream=True)
        with pytest.raises(RequestsApiError, match="max_response_bytes"):
            read_limited(response, 2**20, "max_response_bytes")
        response.close()


def test_a_get_cut_mid_body_is_retried() -> None:
    clock = VirtualClock()
    body = b'{"status": "COMPLETED"}'
    answers = iter([httpx.Response(200, stream=CutAfter(body)), httpx.Response(200, content=body)])
    with client(lambda request: next(answers), clock) as http:
        assert http.get("/status").json() == {"status": "COMPLETED"}


def test_a_job_creation_cut_mid_body_is_not_repeated() -> None:
    clock = VirtualClock()
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, stream=CutAfter(b'{"id": "0123456789abcdef01234567"}'))

    with client(handler, clock) as http, pytest.raises(httpx.RemoteProtocolError):
        http.post("/Network/h/Groups/g/Projects/p/Jobs", json={})

    assert len(calls) == 1


def test_within_a_deadline_retries_outlast_the_budget_and_stop_at_the_deadline() -> None:
    clock = VirtualClock()
    calls: list[float] = []

    def refused(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now)
        raise httpx.ConnectError("connection refused")

    with client(refused, clock, policy=RetryPolicy(connect=3)) as http:
        with deadline_scope(clock.clock, 60.0), pytest.raises(UserTimeoutExceededError):
            http.get("/status")
        within = len(calls)
        calls.clear()
        with pytest.raises(httpx.ConnectError):
            http.get("/status")  # no deadline: the budget holds

    assert within > 4 and clock.now <= 60.0 + 8.0 + 1.0
    assert len(calls) == 4


def test_an_outage_shorter_than_the_deadline_is_ridden_out() -> None:
    clock = VirtualClock()

    def down_for_8_seconds(request: httpx.Request) -> httpx.Response:
        if clock.now < 8.0:
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, json={"status": "RUNNING"})

    with client(down_for_8_seconds, clock) as http, deadline_scope(clock.clock, 60.0):
        assert http.get("/status").json() == {"status": "RUNNING"}
