"""The account's transport on real loopback sockets: keep-alive, dead connections, deadlines,
the pool limit and the errors the retry policy reads."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from ibmqjob._api import transport as transport_module
from ibmqjob._api.deadline import Deadline, io_scope
from ibmqjob._api.transport import PooledTransport

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
TIMEOUTS = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}

Answer = Callable[[socket.socket, int], None]
"""Serves one accepted connection (the socket, the connection's number from 0)."""


class LoopbackServer:
    """A TCP server on 127.0.0.1 that serves each connection with ``answer`` in a thread."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self.closed = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str = "/x") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            number = self.accepted
            self.accepted += 1
            thread = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        conn.settimeout(5.0)
        with conn:
            try:
                self._answer(conn, number)
            except OSError:
                pass
        self.closed += 1

    def __enter__(self) -> LoopbackServer:
        self._acceptor.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._acceptor.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


def read_request(conn: socket.socket) -> bytes:
    """Read one request's head (and the body its Content-Length announces); b"" at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            size = int(line.split(b":")[1])
            while len(body) < size:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
    return head + b"\r\n\r\n" + body


def keep_alive(conn: socket.socket, _: int) -> None:
    """Answer every request of the connection with ``OK`` until the client closes it."""
    for _ in range(1000):
        if not read_request(conn):
            return
        conn.sendall(OK)


def request(url: str, method: str = "GET", content: bytes | None = None) -> httpx.Request:
    return httpx.Request(method, url, content=content, extensions={"timeout": dict(TIMEOUTS)})


def fetch(transport: PooledTransport, url: str, method: str = "GET") -> bytes:
    response = transport.handle_request(request(url, method))
    try:
        return response.read()
    finally:
        response.close()


@contextmanager
def transport_of(**options: object) -> Iterator[PooledTransport]:
    transport = PooledTransport(**options)  # type: ignore[arg-type]
    try:
        yield transport
    finally:
        transport.close()


def test_requests_reuse_one_keep_alive_connection() -> None:
    with LoopbackServer(keep_alive) as server, transport_of() as transport:
        for _ in range(5):
            assert fetch(transport, server.url()) == b"{}"
        assert server.accepted == 1


def test_headers_and_body_reach_the_server_in_one_request() -> None:
    seen: list[bytes] = []

    def record(conn: socket.socket, _: int) -> None:
        seen.append(read_request(conn))
        conn.sendall(OK)

    with LoopbackServer(record) as server, transport_of() as transport:
        sent = httpx.Request(
            "POST",
            server.url("/Jobs?a=1"),
            content=b'{"k": 1}',
            headers={"X-Access-Token": "t"},
            extensions={"timeout": dict(TIMEOUTS)},
        )
        response = transport.handle_request(sent)
        assert response.read() == b"{}" and response.status_code == 200
        response.close()
    head = seen[0]
    assert head.startswith(b"POST /Jobs?a=1 HTTP/1.1\r\n")
    assert b"\r\nx-access-token: t\r\n" in head.lower()
    assert b"\r\ncontent-length: 8\r\n" in head.lower()
    assert head.endswith(b'\r\n\r\n{"k": 1}')
    assert head.lower().count(b"\r\nhost: ") == 1


def test_an_idle_connection_the_server_closed_is_not_used() -> None:
    def one_answer(conn: socket.socket, _: int) -> None:
        read_request(conn)
        conn.sendall(OK)  # keep-alive announced, then closed: the client must notice

    with LoopbackServer(one_answer) as server, transport_of() as transport:
        assert fetch(transport, server.url()) == b"{}"
        deadline = time.monotonic() + 5
        while server.closed < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        # A job creation would not be repeated: it must go out on a live connection.
        assert fetch(transport, server.url("/Jobs"), "POST") == b"{}"
        assert server.accepted == 2


def test_an_idle_connection_past_its_expiry_is_not_used() -> None:
    now = [0.0]
    with (
        LoopbackServer(keep_alive) as server,
        transport_of(keepalive_expiry=4.0, clock=lambda: now[0]) as transport,
    ):
        fetch(transport, server.url())
        now[0] = 3.9
        fetch(transport, server.url())
        assert server.accepted == 1
        now[0] = 8.0
        fetch(transport, server.url())
        assert server.accepted == 2


def test_a_connection_whose_body_was_not_read_is_not_reused() -> None:
    with LoopbackServer(keep_alive) as server, transport_of() as transport:
        response = transport.handle_request(request(server.url()))
        response.close()  # body never read
        fetch(transport, server.url())
        assert server.accepted == 2


def test_connection_close_is_honoured() -> None:
    def closing(conn: socket.socket, _: int) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")

    with LoopbackServer(closing) as server, transport_of() as transport:
        assert fetch(transport, server.url()) == b"{}"
        assert fetch(transport, server.url()) == b"{}"
        assert server.accepted == 2


def test_a_chunked_body_is_decoded() -> None:
    def chunked(conn: socket.socket, _: int) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'3\r\n{"a\r\n5\r\n": 1}\r\n0\r\n\r\n'
        )
        read_request(conn)

    with LoopbackServer(chunked) as server, transport_of() as transport:
        assert fetch(transport, server.url()) == b'{"a": 1}'


def test_a_body_cut_short_is_a_protocol_error() -> None:
    def cut(conn: socket.socket, _: int) -> None:
        read_request(conn)
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial')

    with LoopbackServer(cut) as server, transport_of() as transport:
        with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
            fetch(transport, server.url())


def test_no_answer_is_a_protocol_error() -> None:
    def silent_close(conn: socket.socket, _: int) -> None:
        read_request(conn)

    with LoopbackServer(silent_close) as server, transport_of() as transport:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            fetch(transport, server.url())


def test_a_malformed_status_line_is_a_protocol_error() -> None:
    def garbage(conn: socket.socket, _: int) -> None:
        read_request(conn)
        conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")

    with LoopbackServer(garbage) as server, transport_of() as transport:
        with pytest.raises(httpx.RemoteProtocolError):
            fetch(transport, server.url())


def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    with transport_of() as transport, pytest.raises(httpx.ConnectError):
        fetch(transport, f"http://127.0.0.1:{port}/x")


def test_a_trickled_answer_ends_at_the_attempts_deadline() -> None:
    def trickle(conn: socket.socket, _: int) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(100):  # one byte every 50 ms: each read is quick, the body is not
            conn.sendall(b"x")
            time.sleep(0.05)

    with LoopbackServer(trickle) as server, transport_of() as transport:
        started = time.monotonic()
        with io_scope(Deadline(started + 0.5, time.monotonic)):
            with pytest.raises(httpx.ReadTimeout):
                fetch(transport, server.url())
        assert time.monotonic() - started < 3.0


def test_a_request_past_its_deadline_is_not_sent() -> None:
    with LoopbackServer(keep_alive) as server, transport_of() as transport:
        with io_scope(Deadline(time.monotonic() - 1, time.monotonic)):
            with pytest.raises(httpx.TimeoutException):
                fetch(transport, server.url())
        assert fetch(transport, server.url()) == b"{}"  # the slot was given back


def test_the_pool_limit_makes_requests_wait_and_time_out() -> None:
    release = threading.Event()

    def slow(conn: socket.socket, _: int) -> None:
        read_request(conn)
        release.wait(5)
        conn.sendall(OK)
        keep_alive(conn, 0)

    with LoopbackServer(slow) as server, transport_of(connections=1) as transport:
        results: list[bytes] = []
        first = threading.Thread(target=lambda: results.append(fetch(transport, server.url())))
        first.start()
        deadline = time.monotonic() + 5
        while server.accepted < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        waiting = httpx.Request(
            "GET", server.url(), extensions={"timeout": {**TIMEOUTS, "pool": 0.2}}
        )
        with pytest.raises(httpx.PoolTimeout):
            transport.handle_request(waiting)
        release.set()
        first.join(5)
        assert results == [b"{}"]
        assert fetch(transport, server.url()) == b"{}"
        assert server.accepted == 1


def test_many_threads_share_the_pool_without_failures() -> None:
    with LoopbackServer(keep_alive) as server, transport_of(connections=4) as transport:
        failures: list[BaseException] = []

        def worker() -> None:
            try:
                for _ in range(20):
                    assert fetch(transport, server.url()) == b"{}"
            except BaseException as err:  # reported below
                failures.append(err)

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert failures == []
        assert server.accepted <= 4


def test_an_unsupported_scheme_is_refused() -> None:
    with transport_of() as transport, pytest.raises(httpx.UnsupportedProtocol):
        transport.handle_request(request("ftp://127.0.0.1/x"))


def test_a_closed_transport_sends_nothing() -> None:
    with LoopbackServer(keep_alive) as server:
        transport = PooledTransport()
        fetch(transport, server.url())
        transport.close()
        with pytest.raises(httpx.ConnectError, match="closed"):
            fetch(transport, server.url())


def test_the_head_and_a_small_body_go_out_in_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[bytes] = []
    sendall = transport_module._DeadlineSocket.sendall

    def recording(sock: socket.socket, data: bytes, flags: int = 0) -> None:
        writes.append(bytes(data))
        sendall(sock, data, flags)  # type: ignore[arg-type]

    monkeypatch.setattr(transport_module._DeadlineSocket, "sendall", recording)
    seen: list[bytes] = []

    def record(conn: socket.socket, _: int) -> None:
        for _ in range(2):
            seen.append(read_request(conn))
            conn.sendall(OK)

    large = b"[" + b"1," * 50_000 + b"1]"  # 100 kB: sent after the head, not copied into it
    with LoopbackServer(record) as server, transport_of() as transport:
        for body in (b'{"k": 1}', large):
            response = transport.handle_request(request(server.url(), "POST", body))
            assert response.read() == b"{}"
            response.close()
    assert len(writes) == 3
    assert writes[0].startswith(b"POST /x HTTP/1.1\r\n") and writes[0].endswith(b'\r\n\r\n{"k": 1}')
    assert writes[1].endswith(b"\r\n\r\n") and writes[2] == large
    assert seen[0].endswith(b'\r\n\r\n{"k": 1}') and seen[1].endswith(b"\r\n\r\n" + large)


def test_requests_on_one_connection_set_its_socket_timeout_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings: list[float | None] = []
    settimeout = transport_module._DeadlineSocket.settimeout

    def recording(sock: socket.socket, value: float | None) -> None:
        settings.append(value)
        settimeout(sock, value)

    monkeypatch.setattr(transport_module._DeadlineSocket, "settimeout", recording)
    with LoopbackServer(keep_alive) as server, transport_of() as transport:
        for _ in range(5):
            assert fetch(transport, server.url()) == b"{}"
        # The deadline of each attempt moves the bound a little: the timeout set is kept.
        for _ in range(5):
            with io_scope(Deadline(time.monotonic() + 30, time.monotonic)):
                assert fetch(transport, server.url()) == b"{}"
        # Requests with twice the read timeout (transfers) share the connection and keep it.
        longer = {**TIMEOUTS, "read": 2 * TIMEOUTS["read"], "write": 2 * TIMEOUTS["write"]}
        for _ in range(3):
            sent = httpx.Request("GET", server.url(), extensions={"timeout": longer})
            response = transport.handle_request(sent)
            assert response.read() == b"{}"
            response.close()
            assert fetch(transport, server.url()) == b"{}"
    assert settings == [TIMEOUTS["read"] - 1.0]


def late_answer(delay: float) -> Answer:
    def answer(conn: socket.socket, _: int) -> None:
        read_request(conn)
        time.sleep(delay)
        conn.sendall(OK)

    return answer


def test_a_read_waits_its_whole_timeout_when_the_socket_timeout_kept_is_shorter() -> None:
    # A read timeout of 3 s sets the socket's timeout to 2 s: an answer after 2.5 s still
    # comes in time, and one after 4.5 s does not, failing after 3 s.
    timeouts = {**TIMEOUTS, "read": 3.0}
    for delay, answered in ((2.5, True), (4.5, False)):
        with LoopbackServer(late_answer(delay)) as server, transport_of() as transport:
            sent = httpx.Request("GET", server.url(), extensions={"timeout": timeouts})
            started = time.monotonic()
            if answered:
                response = transport.handle_request(sent)
                assert response.read() == b"{}"
                response.close()
            else:
                with pytest.raises(httpx.ReadTimeout):
                    transport.handle_request(sent)
                assert 2.95 <= time.monotonic() - started < 4.2


def test_by_default_each_of_64_requests_at_once_has_a_connection() -> None:
    # Every answer waits until all 64 requests have arrived: requests taking turns at a
    # few connections would never get there.
    everyone = threading.Barrier(64, timeout=10)

    def together(conn: socket.socket, _: int) -> None:
        read_request(conn)
        everyone.wait()
        conn.sendall(OK)

    with LoopbackServer(together) as server, transport_of() as transport:
        with ThreadPoolExecutor(64) as pool:
            answers = list(pool.map(lambda _: fetch(transport, server.url()), range(64)))
        assert answers == [b"{}"] * 64
        assert server.accepted == 64
