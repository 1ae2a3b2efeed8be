"""The status websocket connection read on the caller's thread, against loopback servers:
messages, keepalive, the closing handshake, refused handshakes and the fallback."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus
from websockets.http11 import Request, Response
from websockets.server import ServerProtocol
from websockets.sync.server import ServerConnection, serve

from ibmqjob._wsconnection import StatusConnection, connect

Handler = Callable[[ServerConnection], None]
OPTIONS = {"open_timeout": 5.0, "close_timeout": 1.0, "proxy": None, "compression": None}


@pytest.fixture
def server_for() -> Iterator[Callable[..., str]]:
    """Start a websockets server running ``handler`` per connection; return its URL."""
    servers = []

    def start(handler: Handler, **options: object) -> str:
        server = serve(
            handler,
            "127.0.0.1",
            0,
            compression=None,
            logger=logging.getLogger("test.server"),
            **options,  # type: ignore[arg-type]
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"ws://127.0.0.1:{server.socket.getsockname()[1]}/jobs/j/status/v/1"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join(5)


def test_text_binary_and_fragmented_messages(server_for: Callable[..., str]) -> None:
    closed: list[int | None] = []

    def handler(ws: ServerConnection) -> None:
        assert ws.recv(timeout=5) == "hello"
        ws.send("text")
        ws.send(b"\x00binary")
        ws.send(iter(["frag", "mented ", "é"]))  # one message in three frames
        try:
            ws.recv(timeout=5)
        except ConnectionClosed as err:
            closed.append(err.rcvd.code if err.rcvd else None)

    url = server_for(handler)
    with connect(url, **OPTIONS) as ws:
        assert isinstance(ws, StatusConnection)
        ws.send("hello")
        assert ws.recv(timeout=5) == "text"
        assert ws.recv(timeout=5) == b"\x00binary"
        assert ws.recv(timeout=5) == "fragmented é"
    deadline = time.monotonic() + 5
    while not closed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert closed == [1000]  # the client's close reached the server


def test_a_server_close_is_raised_with_its_code_and_reason(
    server_for: Callable[..., str],
) -> None:
    def handler(ws: ServerConnection) -> None:
        ws.send("COMPLETED")
        ws.close(4002, "job done")

    with connect(server_for(handler), **OPTIONS) as ws:
        assert ws.recv(timeout=5) == "COMPLETED"
        with pytest.raises(ConnectionClosed) as caught:
            ws.recv(timeout=5)
        assert caught.value.rcvd is not None
        assert (caught.value.rcvd.code, caught.value.rcvd.reason) == (4002, "job done")
        with pytest.raises(ConnectionClosed):
            ws.send("late")


def test_recv_times_out_without_closing(server_for: Callable[..., str]) -> None:
    def handler(ws: ServerConnection) -> None:
        ws.recv(timeout=5)  # waits for the client's message, sent after the timeout
        ws.send("after")
        ws.recv(timeout=5)

    with connect(server_for(handler), **OPTIONS) as ws:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.2)
        assert time.monotonic() - started < 2
        ws.send("go")
        assert ws.recv(timeout=5) == "after"


class CountingSocket:
    """A socket that counts its reads (for :class:`StatusConnection`'s ``_sock``)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reads = 0

    def recv(self, size: int) -> bytes:
        self.reads += 1
        return self.sock.recv(size)

    def __getattr__(self, name: str) -> object:
        return getattr(self.sock, name)


def test_a_long_wait_ends_on_time_after_two_reads_at_most(
    server_for: Callable[..., str],
) -> None:
    # The socket's timeout is set a second short of a long wait (and kept while it fits):
    # the wait still ends when it should, after one more read for the rest.
    def handler(ws: ServerConnection) -> None:
        ws.recv(timeout=10)

    with connect(server_for(handler), **{**OPTIONS, "ping_interval": None}) as ws:
        assert isinstance(ws, StatusConnection)
        counting = CountingSocket(ws._sock)
        ws._sock = counting  # type: ignore[assignment]
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            ws.recv(timeout=2.5)
        assert 2.5 <= time.monotonic() - started < 3.5
        assert counting.reads == 2
        ws._sock = counting.sock
        ws.send("done")


def test_keepalive_pings_keep_a_quiet_connection(server_for: Callable[..., str]) -> None:
    pings: list[float] = []

    def handler(ws: ServerConnection) -> None:
        ws.recv(timeout=5)

    url = server_for(handler)
    with connect(url, **{**OPTIONS, "ping_interval": 0.1, "ping_timeout": 1.0}) as ws:
        original = ws._protocol.send_ping

        def counting(data: bytes) -> None:
            pings.append(time.monotonic())
            original(data)

        ws._protocol.send_ping = counting
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.6)  # the server answers every ping: only the timeout ends it
    assert len(pings) >= 2


class SilentServer:
    """Accepts one websocket handshake, then reads nothing and answers nothing."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._done = threading.Event()

    def _serve(self) -> None:
        conn, _ = self._listener.accept()
        with conn:
            protocol = ServerProtocol()
            request = None
            while request is None:
                protocol.receive_data(conn.recv(65536))
                request = next(
                    (e for e in protocol.events_received() if isinstance(e, Request)), None
                )
            protocol.send_response(protocol.accept(request))
            for data in protocol.data_to_send():
                conn.sendall(data)
            self._done.wait(10)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join(5)
        self._listener.close()


def test_no_answer_to_a_keepalive_ping_fails_the_connection() -> None:
    options = {**OPTIONS, "ping_interval": 0.1, "ping_timeout": 0.2, "close_timeout": 0.2}
    with SilentServer() as server:
        with connect(f"ws://127.0.0.1:{server.port}/", **options) as ws:
            started = time.monotonic()
            with pytest.raises(ConnectionClosedError) as caught:
                ws.recv(timeout=5)
            assert time.monotonic() - started < 2
            assert caught.value.rcvd is None  # nothing came back: an abnormal closure
            assert caught.value.sent is not None and caught.value.sent.code == 1011


def test_invalid_utf8_fails_the_connection(server_for: Callable[..., str]) -> None:
    def handler(ws: ServerConnection) -> None:
        ws.socket.sendall(b"\x81\x02\xff\xfe")  # a final text frame of two bytes, not UTF-8
        try:
            ws.recv(timeout=5)
        except ConnectionClosed:
            pass

    with connect(server_for(handler), **OPTIONS) as ws:
        with pytest.raises(ConnectionClosedError) as caught:
            ws.recv(timeout=5)
        assert caught.value.sent is not None and caught.value.sent.code == 1007


def test_a_refused_handshake_raises_the_status(server_for: Callable[..., str]) -> None:
    def refuse(connection: ServerConnection, request: Request) -> Response:
        return connection.respond(403, "no\n")

    url = server_for(lambda ws: None, process_request=refuse)
    with pytest.raises(InvalidStatus) as caught:
        connect(url, **OPTIONS)
    assert caught.value.response.status_code == 403


def test_a_refused_connection_is_an_os_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    with pytest.raises(OSError):
        connect(f"ws://127.0.0.1:{port}/", **OPTIONS)


def test_a_handshake_without_answer_times_out() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"ws://127.0.0.1:{listener.getsockname()[1]}/"
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            connect(url, **{**OPTIONS, "open_timeout": 0.3})
        assert time.monotonic() - started < 3


def test_other_options_are_left_to_websockets_own_client(
    server_for: Callable[..., str],
) -> None:
    def handler(ws: ServerConnection) -> None:
        ws.send("hi")
        ws.recv(timeout=5)

    with connect(server_for(handler), **{**OPTIONS, "compression": "deflate"}) as ws:
        assert not isinstance(ws, StatusConnection)
        assert ws.recv(timeout=5) == "hi"
