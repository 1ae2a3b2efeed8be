"""The account's socket layer: HTTP/1.1 on ``http.client`` connections kept in a small pool.

httpx's own transport (httpcore and h11) spent about 0.2 ms of CPU on each request of a
loopback session, twice what ``http.client`` spends, and its pool scans every connection and
every waiting request whenever a request starts or ends: with hundreds of threads waiting for
the account's connections that scan was most of the client's CPU. The requests of this API
are small, so :class:`PooledTransport` sends them on ``http.client`` connections. It is
``httpx.HTTPTransport`` with another pool behind it (httpcore's pool interface): httpx keeps
building the requests, the hooks and the retries, and tools that hook httpx's transport
(vcrpy, which records and replays sessions) still see every request.

* **Pool.** At most ``connections`` connections are open at once; a request above that
  waits for one (``httpx.PoolTimeout`` after the pool timeout). Idle connections are kept
  per origin, last used first, for ``keepalive_expiry`` seconds. Taking or giving back a
  connection costs the same whatever the number of threads or connections.
* **Dead connections.** An idle connection whose socket is readable was closed by the
  server (or holds data nobody asked for): it is dropped before use, so a request is never
  sent on a connection known to be dead. A connection whose response was not read to its
  end, or that the server asked to close, is not reused.
* **Deadlines.** Every socket read and write is bounded by the request's timeouts and by
  the deadline of the attempt in progress (:func:`~ibmqjob._api.deadline.io_scope`): a
  server sending a response byte by byte cannot hold a request past its deadline.
* **Errors** are httpcore's, which httpx turns into its own, so the retry policy reads them
  as before: ``ConnectError`` and ``ConnectTimeout`` (nothing was sent),
  ``WriteError``/``WriteTimeout``, ``ReadError``/``ReadTimeout``, ``RemoteProtocolError`` (no
  answer, a malformed one, or a body cut short), ``LocalProtocolError`` (a header that cannot
  be sent), ``UnsupportedProtocol``, ``PoolTimeout``.

``http.client.HTTPConnection`` is subclassed when this module is imported: a tool that
replaces it later (vcrpy does, while a cassette is in use) does not see the requests a second
time.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

import httpcore
import httpx

from .._sockettimeout import fit_timeout
from .deadline import current_io_deadline

__all__ = ["PooledTransport"]

_T = TypeVar("_T")

_CHUNK = 64 * 1024
"""Largest piece of a response body read at once."""

_INLINE_BODY = 64 * 1024
"""Request bodies up to this size go out with the headers, in one send."""

Origin = tuple[bytes, str, int]


class _HTTPConnection(http.client.HTTPConnection):
    """``http.client``'s connection, whose header block is sent with the body, in one write.

    ``http.client`` sends them apart: two writes, two packets and two reads for the server.
    """

    def __init__(self, host: str, port: int) -> None:
        super().__init__(host, port)
        self.pending: list[bytes] = []

    def send(self, data: Any) -> None:
        """Keep what ``http.client`` sends (the header block) for :meth:`flush`."""
        self.pending.append(bytes(data))

    def flush(self, sock: socket.socket, body: bytes) -> None:
        """Send the header block and ``body``: together, unless the body is large."""
        pending, self.pending = self.pending, []
        if len(body) <= _INLINE_BODY:
            sock.sendall(b"".join([*pending, body]))
            return
        sock.sendall(b"".join(pending))
        sock.sendall(body)


def _bounded(timeout: float | None) -> float | None:
    """Shorten a socket timeout to what the attempt's deadline leaves."""
    deadline = current_io_deadline()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        raise TimeoutError("the request did not complete before its deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineMixin:
    """Every read and write bounded by its timeout and the attempt's deadline.

    The socket's timeout is set as seldom as it can be (:func:`fit_timeout`): when the one in
    force runs out before the bound, the read waits for the rest of its bound.
    """

    read_timeout: float | None = None
    write_timeout: float | None = None

    def _bounded_call(self, timeout: float | None, call: Callable[[], _T]) -> _T:
        """Run one read (or one send) within ``timeout`` and the attempt's deadline."""
        bound = _bounded(timeout)
        kept = fit_timeout(self, bound)  # type: ignore[arg-type]
        if bound is None or kept is None:
            return call()
        try:
            return call()
        except TimeoutError:
            if kept >= bound:
                raise
        self.settimeout(bound - kept)  # type: ignore[attr-defined]  # waited part of the bound
        return call()

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        receive = super().recv_into  # type: ignore[misc]
        return self._bounded_call(self.read_timeout, lambda: receive(*args, **kwargs))  # type: ignore[no-any-return]

    def recv(self, *args: Any, **kwargs: Any) -> bytes:
        receive = super().recv  # type: ignore[misc]
        return self._bounded_call(self.read_timeout, lambda: receive(*args, **kwargs))  # type: ignore[no-any-return]

    def send(self, *args: Any, **kwargs: Any) -> int:
        send = super().send  # type: ignore[misc]
        return self._bounded_call(self.write_timeout, lambda: send(*args, **kwargs))  # type: ignore[no-any-return]

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Send all of ``data``, each piece bounded like a read (see :meth:`send`)."""
        with memoryview(data) as view, view.cast("B") as octets:
            sent = 0
            while sent < len(octets):
                sent += self.send(octets[sent:], flags)


class _DeadlineSocket(_DeadlineMixin, socket.socket):
    """A TCP socket whose reads and writes end at the attempt's deadline."""


class _DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    """A TLS socket whose reads and writes end at the attempt's deadline."""


_Socket = _DeadlineSocket | _DeadlineSSLSocket


class _Connection:
    """One keep-alive connection: the ``http.client`` connection and its socket."""

    __slots__ = ("http", "sock")

    def __init__(self, origin: Origin, sock: _Socket) -> None:
        self.sock = sock
        self.http = _HTTPConnection(origin[1], origin[2])
        self.http.sock = sock
        self.http.auto_open = 0  # a closed connection is dropped, never reopened behind us

    def readable(self) -> bool:
        """Whether the idle socket has something to read: the server closed it.

        ``poll`` where there is one: a process with many sockets has descriptors above
        ``select``'s limit (Windows has no ``poll``, and no such limit).
        """
        try:
            if not hasattr(select, "poll"):
                return bool(select.select([self.sock], [], [], 0)[0])
            poller = select.poll()
            poller.register(self.sock, select.POLLIN | select.POLLERR | select.POLLHUP)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        self.http.close()
        try:
            self.sock.close()
        except OSError:
            pass


class _Pool:
    """At most ``limit`` connections open; idle ones per origin, last used first."""

    def __init__(self, limit: int, keepalive_expiry: float, clock: Callable[[], float]) -> None:
        self._limit = limit
        self._expiry = keepalive_expiry
        self._clock = clock
        self._ready = threading.Condition(threading.Lock())
        self._idle: dict[Origin, list[tuple[_Connection, float]]] = {}
        self._open = 0
        self._closed = False

    def acquire(self, origin: Origin, timeout: float | None) -> _Connection | None:
        """Return an idle connection to ``origin``, or ``None`` with a slot for a new one.

        Raises:
            httpcore.PoolTimeout: If no connection was free within ``timeout`` seconds.
            httpcore.ConnectError: If the pool was closed.
        """
        while True:
            connection = self._take(origin, timeout)
            if connection is None or not connection.readable():
                return connection
            self.discard(connection)  # closed by the server while idle

    def _take(self, origin: Origin, timeout: float | None) -> _Connection | None:
        stale: list[_Connection] = []
        try:
            with self._ready:
                until = None if timeout is None else self._clock() + timeout
                while True:
                    if self._closed:
                        raise httpcore.ConnectError("the account's HTTP client is closed")
                    idle = self._idle.get(origin)
                    now = self._clock()
                    while idle:
                        connection, expires = idle.pop()
                        if now < expires:
                            return connection
                        stale.append(connection)
                        self._open -= 1
                    if self._open >= self._limit and self._drop_other_idle(origin, stale):
                        self._open -= 1
                    if self._open < self._limit:
                        self._open += 1
                        return None
                    left = None if until is None else until - self._clock()
                    if left is not None and left <= 0:
                        raise httpcore.PoolTimeout("no connection of the pool became free in time")
                    self._ready.wait(left)
        finally:
            for connection in stale:
                connection.close()

    def _drop_other_idle(self, origin: Origin, stale: list[_Connection]) -> bool:
        """Free a slot held by an idle connection to another origin (the oldest one)."""
        oldest: tuple[float, Origin] | None = None
        for other, idle in self._idle.items():
            if other != origin and idle and (oldest is None or idle[0][1] < oldest[0]):
                oldest = (idle[0][1], other)
        if oldest is None:
            return False
        stale.append(self._idle[oldest[1]].pop(0)[0])
        return True

    def release(self, origin: Origin, connection: _Connection) -> None:
        """Keep a connection whose response was read to its end for the next request."""
        with self._ready:
            if not self._closed:
                idle = self._idle.setdefault(origin, [])
                idle.append((connection, self._clock() + self._expiry))
                self._ready.notify()
                return
            self._open -= 1
        connection.close()

    def discard(self, connection: _Connection | None) -> None:
        """Close a connection that must not be reused (``None``: a slot never used)."""
        if connection is not None:
            connection.close()
        with self._ready:
            self._open -= 1
            self._ready.notify()

    def close(self) -> None:
        """Close the idle connections; those in use are closed when given back."""
        with self._ready:
            self._closed = True
            idle = [connection for pool in self._idle.values() for connection, _ in pool]
            self._open -= len(idle)
            self._idle.clear()
            self._ready.notify_all()
        for connection in idle:
            connection.close()


class _ResponseBody:
    """The body of a response, read from its connection; closing it gives the connection
    back (read to its end) or closes it."""

    def __init__(
        self,
        pool: _Pool,
        origin: Origin,
        connection: _Connection,
        response: http.client.HTTPResponse,
    ) -> None:
        self._pool = pool
        self._origin = origin
        self._connection: _Connection | None = connection
        self._response = response
        self._complete = False

    def __iter__(self) -> Iterator[bytes]:
        response = self._response
        with _read_errors():
            while True:
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                yield chunk
                if response.length == 0:  # read1 would ask for 0 bytes: nothing is left
                    break
        if response.length:  # the server closed before the announced length
            raise httpcore.RemoteProtocolError(
                "peer closed connection without sending complete message body: "
                f"{response.length} bytes missing"
            )
        self._complete = True
        response.close()  # the body is read: the connection may take another request

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        response = self._response
        if self._complete and response.isclosed() and not response.will_close:
            self._pool.release(self._origin, connection)
        else:
            response.close()
            self._pool.discard(connection)


class _read_errors:  # used as a context manager, like contextlib's helpers
    """Turn the errors of reading a response into httpcore's."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, _: Any) -> None:
        if err is None or not isinstance(err, Exception):
            return
        if isinstance(err, http.client.RemoteDisconnected):
            raise httpcore.RemoteProtocolError(
                "Server disconnected without sending a response."
            ) from err
        if isinstance(err, http.client.IncompleteRead):
            raise httpcore.RemoteProtocolError(
                f"peer closed connection without sending complete message body: {err!r}"
            ) from err
        if isinstance(err, http.client.HTTPException):
            raise httpcore.RemoteProtocolError(
                f"malformed response: {type(err).__name__}: {err}"
            ) from err
        if isinstance(err, TimeoutError):
            raise httpcore.ReadTimeout(str(err) or "timed out") from err
        if isinstance(err, OSError):
            raise httpcore.ReadError(str(err) or type(err).__name__) from err


class _ConnectionPool:
    """httpcore's pool interface (``handle_request``, ``close``) over :class:`_Pool`."""

    def __init__(
        self, verify: bool, connections: int, keepalive_expiry: float, clock: Callable[[], float]
    ) -> None:
        self._verify = verify
        self._ssl: ssl.SSLContext | None = None
        self._ssl_lock = threading.Lock()
        self._pool = _Pool(connections, keepalive_expiry, clock)

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send the request and return the response, its body still to be read.

        Raises:
            httpcore.ConnectError: And the other errors listed in the module docstring.
        """
        url = request.url
        scheme = url.scheme
        if scheme not in (b"http", b"https"):
            raise httpcore.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme.decode('ascii', 'replace')}://'."
            )
        port = url.port or (443 if scheme == b"https" else 80)
        origin = (scheme, url.host.decode("ascii"), port)
        timeouts = request.extensions.get("timeout") or {}
        connection = self._pool.acquire(origin, _bounded_pool(timeouts.get("pool")))
        try:
            if connection is None:
                connection = self._connect(origin, timeouts.get("connect"))
            connection.sock.read_timeout = timeouts.get("read")
            connection.sock.write_timeout = timeouts.get("write")
            self._send(connection, request)
            with _read_errors():
                response = connection.http.getresponse()
        except BaseException:
            self._pool.discard(connection)
            raise
        return httpcore.Response(
            status=response.status,
            headers=[
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in response.getheaders()
            ],
            content=_ResponseBody(self._pool, origin, connection, response),
            extensions={
                "http_version": b"HTTP/1.0" if response.version == 10 else b"HTTP/1.1",
                "reason_phrase": response.reason.encode("latin-1", "replace"),
            },
        )

    def _connect(self, origin: Origin, timeout: float | None) -> _Connection:
        scheme, host, port = origin
        try:
            raw = socket.create_connection((host, port), _bounded(timeout))
        except TimeoutError as err:
            raise httpcore.ConnectTimeout(str(err) or "timed out") from err
        except OSError as err:
            raise httpcore.ConnectError(str(err) or type(err).__name__) from err
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not a TCP socket after all: nothing to tune
            pass
        sock: _Socket = _DeadlineSocket(fileno=raw.detach())
        if scheme == b"https":
            plain = sock
            try:
                plain.settimeout(_bounded(timeout))
                # The context makes _DeadlineSSLSocket (its sslsocket_class).
                wrapped = self._ssl_context().wrap_socket(plain, server_hostname=host)
                sock = cast(_DeadlineSSLSocket, wrapped)
            except TimeoutError as err:
                plain.close()
                raise httpcore.ConnectTimeout(str(err) or "timed out") from err
            except OSError as err:  # ssl.SSLError included
                plain.close()
                raise httpcore.ConnectError(str(err) or type(err).__name__) from err
        return _Connection(origin, sock)

    def _ssl_context(self) -> ssl.SSLContext:
        with self._ssl_lock:
            if self._ssl is None:
                context = httpx.create_ssl_context(verify=self._verify)
                context.sslsocket_class = _DeadlineSSLSocket
                self._ssl = context
            return self._ssl

    def _send(self, connection: _Connection, request: httpcore.Request) -> None:
        body = b"".join(cast(Iterable[bytes], request.stream))
        chunked = any(
            name.lower() == b"transfer-encoding" and value.lower() == b"chunked"
            for name, value in request.headers
        )
        if chunked:
            body = b"%X\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
        conn = connection.http
        try:
            conn.putrequest(
                request.method.decode("ascii"),
                request.url.target.decode("ascii"),
                skip_host=True,
                skip_accept_encoding=True,
            )
            for name, value in request.headers:
                conn.putheader(name, value)
        except (ValueError, UnicodeDecodeError) as err:  # an illegal header, a control character
            raise httpcore.LocalProtocolError(str(err)) from err
        try:
            conn.endheaders()
            conn.flush(connection.sock, body)
        except TimeoutError as err:
            raise httpcore.WriteTimeout(str(err) or "timed out") from err
        except OSError as err:
            raise httpcore.WriteError(str(err) or type(err).__name__) from err

    def close(self) -> None:
        self._pool.close()


class PooledTransport(httpx.HTTPTransport):
    """httpx's transport over pooled ``http.client`` connections (see the module docstring)."""

    def __init__(
        self,
        *,
        verify: bool = True,
        connections: int = 256,
        keepalive_expiry: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create the transport; no connection is opened before the first request.

        httpx's ``__init__`` is not called: it would only build httpcore's pool (and a TLS
        context) that this transport replaces; ``_pool`` is all its methods use.

        Args:
            verify: Whether to verify TLS certificates (httpx's default trust store).
            connections: The most connections open at once, all kept alive when idle.
            keepalive_expiry: Seconds an idle connection is kept before it is closed.
            clock: Monotonic clock of the keep-alive expiry.
        """
        if connections < 1:
            raise ValueError("connections must be >= 1")
        self._pool = _ConnectionPool(verify, connections, keepalive_expiry, clock)  # type: ignore[assignment]


def _bounded_pool(timeout: float | None) -> float | None:
    try:
        return _bounded(timeout)
    except TimeoutError as err:
        raise httpcore.PoolTimeout(str(err)) from err
