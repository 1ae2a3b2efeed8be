"""The status websocket, read on the waiting thread: websockets' protocol, no threads of its own.

``websockets.sync.client.connect`` starts a thread per connection that reads the socket and
hands each frame to the caller through a condition variable (and a keepalive thread): with
a job waiting on each websocket, that is one more thread per job in flight, two thread
switches per frame, and most of the client's CPU per websocket. A job's waiting thread
does nothing but read its websocket, so :func:`connect` reads the socket on that thread,
with the same library's sans-I/O protocol (``websockets.client.ClientProtocol``: the
handshake, framing, close handshake, control frames and size limits are its own):

* :meth:`StatusConnection.recv` blocks the caller until a whole message arrives or its
  timeout passes (``TimeoutError``), and raises ``ConnectionClosed`` (with the close code
  and reason) once the connection is closed, as the synchronous client does.
* Keepalive: after ``ping_interval`` seconds with nothing received, a ping is sent; when
  nothing arrives in the next ``ping_timeout`` seconds the connection is failed (close code
  1011), so a network path that went silent is noticed while the caller waits.
* :meth:`StatusConnection.close` runs the closing handshake, waiting at most
  ``close_timeout`` seconds for the server's side.

A websocket through a proxy, or with options this module does not implement, is opened by
``websockets.sync.client.connect`` itself.
"""

from __future__ import annotations

import collections
import socket
import ssl
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from websockets.client import ClientProtocol
from websockets.exceptions import InvalidMessage
from websockets.frames import CloseCode, Frame, Opcode
from websockets.http11 import USER_AGENT, Response
from websockets.protocol import State
from websockets.sync.client import connect as _websockets_connect
from websockets.uri import parse_uri

from ._sockettimeout import fit_timeout

__all__ = ["StatusConnection", "connect"]

_READ = 65536
_MAX_MESSAGE = 2**20
"""Largest message accepted, in bytes (websockets' default)."""

_HANDLED = frozenset({"open_timeout", "ping_interval", "ping_timeout", "close_timeout", "logger"})


def connect(url: str, **options: Any) -> Any:
    """Open the websocket at ``url``; called as ``websockets.sync.client.connect`` is.

    ``open_timeout``, ``ping_interval``, ``ping_timeout``, ``close_timeout`` and ``logger``
    are understood, with ``proxy=None`` and ``compression=None``; any other option (a proxy
    included) is left to ``websockets.sync.client.connect``.

    Returns:
        The open connection.

    Raises:
        InvalidURI: If ``url`` is not a websocket URL.
        OSError: If the TCP (or TLS) connection fails.
        InvalidHandshake: If the server refuses the opening handshake.
        TimeoutError: If the connection is not open within ``open_timeout`` seconds.
    """
    own = {key: value for key, value in options.items() if key in _HANDLED}
    rest = {key: value for key, value in options.items() if key not in _HANDLED}
    if (
        rest.pop("proxy", True) is not None
        or rest.pop("compression", "deflate") is not None
        or rest
    ):
        return _websockets_connect(url, **options)
    return StatusConnection.open(url, **own)


class StatusConnection:
    """An open client websocket read on the caller's thread (see the module docstring)."""

    def __init__(
        self,
        sock: socket.socket,
        protocol: ClientProtocol,
        *,
        ping_interval: float | None,
        ping_timeout: float | None,
        close_timeout: float | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Wrap a connected socket and its protocol (use :meth:`open`)."""
        self._sock = sock
        self._protocol = protocol
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._close_timeout = close_timeout
        self._clock = clock
        self._messages: collections.deque[str | bytes] = collections.deque()
        self._fragments: list[bytes] = []
        self._fragment_opcode: Opcode | None = None
        self._heard = clock()
        self._ping_sent: float | None = None
        self._socket_closed = False
        self._answered = False  # the server's answer to the opening handshake came

    @classmethod
    def open(
        cls,
        url: str,
        *,
        open_timeout: float | None = 10.0,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
        close_timeout: float | None = 10.0,
        logger: Any = None,
    ) -> StatusConnection:
        """Connect to ``url`` and run the opening handshake (see :func:`connect`)."""
        uri = parse_uri(url)
        clock = time.monotonic
        until = None if open_timeout is None else clock() + open_timeout
        sock = socket.create_connection((uri.host, uri.port), open_timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
            if uri.secure:
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=uri.host)
            protocol = ClientProtocol(uri, max_size=_MAX_MESSAGE, logger=logger)
            connection = cls(
                sock,
                protocol,
                ping_interval=ping_interval,
                ping_timeout=ping_timeout,
                close_timeout=close_timeout,
                clock=clock,
            )
            connection._handshake(until)
        except BaseException:
            sock.close()
            raise
        return connection

    def _handshake(self, until: float | None) -> None:
        protocol = self._protocol
        request = protocol.connect()
        request.headers.setdefault("User-Agent", USER_AGENT)
        protocol.send_request(request)
        self._flush()
        while not self._answered and protocol.handshake_exc is None and not self._socket_closed:
            self._receive(until, "timed out while waiting for handshake response")
            self._take_events()
        if protocol.handshake_exc is not None:
            raise protocol.handshake_exc
        if not self._answered:  # the server closed before answering
            raise InvalidMessage("connection closed during the opening handshake")
        self._heard = self._clock()

    # ------------------------------------------------------------------ the caller's API

    def send(self, message: str) -> None:
        """Send a text message.

        Raises:
            ConnectionClosed: If the connection is closed.
        """
        if self._protocol.state is not State.OPEN:
            self._raise_closed()
        self._protocol.send_text(message.encode())
        self._flush()

    def recv(self, timeout: float | None = None) -> str | bytes:
        """Return the next message (``str`` for text, ``bytes`` for binary).

        Args:
            timeout: Seconds to wait at most; ``None`` waits until a message arrives.

        Raises:
            TimeoutError: If no message arrived in time.
            ConnectionClosed: Once the connection is closed (its close code and reason).
        """
        until = None if timeout is None else self._clock() + timeout
        while not self._messages:
            if self._protocol.state is State.CLOSED or self._socket_closed:
                self._raise_closed()
            self._receive(until, "timed out while waiting for a message", keepalive=True)
            self._take_events()
        return self._messages.popleft()

    def close(self) -> None:
        """Run the closing handshake (at most ``close_timeout`` s), then close the socket."""
        if self._socket_closed:
            return
        protocol = self._protocol
        try:
            if protocol.state is State.OPEN:
                protocol.send_close(CloseCode.NORMAL_CLOSURE)
                self._flush()
            until = None if self._close_timeout is None else self._clock() + self._close_timeout
            while protocol.state is not State.CLOSED and not self._socket_closed:
                self._receive(until, "timed out while closing")
                self._take_events()
        except (OSError, TimeoutError):
            pass
        finally:
            self._close_socket()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ the socket

    def _receive(self, until: float | None, what: str, keepalive: bool = False) -> None:
        """Read once from the socket into the protocol, within ``until``."""
        while True:
            now = self._clock()
            wait = None if until is None else until - now
            if keepalive:
                wait = self._keepalive(now, wait)
            if wait is not None and wait <= 0:
                raise TimeoutError(what)
            # A timeout shorter than the wait may be kept: the loop then waits the rest.
            fit_timeout(self._sock, wait)
            try:
                data = self._sock.recv(_READ)
            except TimeoutError:
                continue  # the caller's time, or a keepalive step: decided above
            except OSError:
                data = b""
            break
        if data:
            self._heard = self._clock()
            self._ping_sent = None
            self._protocol.receive_data(data)
        else:
            self._protocol.receive_eof()
        self._flush()
        if not data:
            self._close_socket()

    def _keepalive(self, now: float, wait: float | None) -> float | None:
        """Send a ping when the connection was quiet too long; fail it when no answer came.

        Returns the time to wait before the next keepalive step (at most ``wait``).
        """
        if self._ping_interval is None or self._protocol.state is not State.OPEN:
            return wait
        if self._ping_sent is None:
            due = self._heard + self._ping_interval
            if now >= due:
                self._protocol.send_ping(b"")
                self._flush()
                self._ping_sent = now
                due = now + (self._ping_timeout or self._ping_interval)
        else:
            if self._ping_timeout is None:
                return wait
            due = self._ping_sent + self._ping_timeout
            if now >= due:
                self._protocol.fail(CloseCode.INTERNAL_ERROR, "keepalive ping timeout")
                self._flush()
                self._close_socket()
                self._raise_closed()
        return due - now if wait is None else min(wait, due - now)

    def _take_events(self) -> None:
        for event in self._protocol.events_received():
            if isinstance(event, Response):
                self._answered = True  # the handshake's answer: the protocol has judged it
                continue
            if isinstance(event, Frame):
                self._frame(event)

    def _frame(self, frame: Frame) -> None:
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY):
            self._fragment_opcode, self._fragments = frame.opcode, [bytes(frame.data)]
        elif frame.opcode is Opcode.CONT and self._fragment_opcode is not None:
            self._fragments.append(bytes(frame.data))
        else:
            return  # ping, pong and close frames: the protocol answers them
        if not frame.fin:
            return
        data = b"".join(self._fragments)
        opcode, self._fragment_opcode, self._fragments = self._fragment_opcode, None, []
        if opcode is Opcode.BINARY:
            self._messages.append(data)
            return
        try:
            self._messages.append(data.decode())
        except UnicodeDecodeError:
            self._protocol.fail(CloseCode.INVALID_DATA, "invalid UTF-8 in a text message")
            self._flush()
            self._close_socket()

    def _flush(self) -> None:
        for data in self._protocol.data_to_send():
            if self._socket_closed:
                return
            try:
                if data:
                    self._sock.sendall(data)
                else:
                    self._sock.shutdown(socket.SHUT_WR)
            except OSError:
                self._close_socket()
                return

    def _close_socket(self) -> None:
        if not self._socket_closed:
            self._socket_closed = True
            self._sock.close()
            self._protocol.receive_eof()  # the protocol knows the connection is gone

    def _raise_closed(self) -> None:
        if self._protocol.state is not State.CLOSED:
            self._close_socket()
        raise self._protocol.close_exc
