"""The account's socket layer: HTTP/1.1 on ``http.client`` connections kept in a small pool.

httpx's own transport (httpcore and h11) spent about 0.2 ms of CPU on each request of a
loopback session, twice what ``http.client`` spends, and its pool scans every connection and
every waiting request whenever a request starts or ends: with hundreds of threads waiting for
the account's connections that scan was most of the client's CPU. The requests of this API
are small, so :class:`PooledTransport` sends them on ``http.client`` connections, under
``httpx.Client`` (which keeps building the requests, the hooks and the retries):

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
* **Errors** are httpx's, so the retry policy reads them as before: ``ConnectError`` and
  ``ConnectTimeout`` (nothing was sent), ``WriteError``/``WriteTimeout``,
  ``ReadError``/``ReadTimeout``, ``RemoteProtocolError`` (no answer, a malformed one, or a
  body cut short), ``LocalProtocolError`` (a header that cannot be sent),
  ``UnsupportedProtocol``.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import httpx

from .deadline import current_io_deadline

__all__ = ["PooledTransport"]

_CHUNK = 64 * 1024
"""Largest piece of a response body read at once."""

_INLINE_BODY = 64 * 1024
"""Request bodies up to this size go out with the headers, in one send."""

Origin = tuple[str, str, int]


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
    """Every read and write bounded by its timeout and the attempt's deadline."""

    read_timeout: float | None = None
    write_timeout: float | None = None

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        self.settimeout(_bounded(self.read_timeout))  # type: ignore[attr-defined]
        result: int = super().recv_into(*args, **kwargs)  # type: ignore[misc]
        return result

    def recv(self, *args: Any, **kwargs: Any) -> bytes:
        self.settimeout(_bounded(self.read_timeout))  # type: ignore[attr-defined]
        result: bytes = super().recv(*args, **kwargs)  # type: ignore[misc]
        return result

    def send(self, *args: Any, **kwargs: Any) -> int:
        self.settimeout(_bounded(self.write_timeout))  # type: ignore[attr-defined]
        result: int = super().send(*args, **kwargs)  # type: ignore[misc]
        return result

    def sendall(self, *args: Any, **kwargs: Any) -> None:
        self.settimeout(_bounded(self.write_timeout))  # type: ignore[attr-defined]
        super().sendall(*args, **kwargs)  # type: ignore[misc]


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
        self.http = http.client.HTTPConnection(origin[1], origin[2])
        self.http.sock = sock
        self.http.auto_open = 0  # a closed connection is dropped, never reopened behind us

    def readable(self) -> bool:
        """Whether the idle socket has something to read: the server closed it."""
        try:
            ready, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(ready)

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
            httpx.PoolTimeout: If no connection was free within ``timeout`` seconds.
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
                        raise httpx.ConnectError("the account's HTTP client is closed")
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
                        raise httpx.PoolTimeout("no connection of the pool became free in time")
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


class _ResponseBody(httpx.SyncByteStream):
    """The body of a response, read from its connection; closing it gives the connection
    back (read to its end) or closes it."""

    def __init__(
        self,
        pool: _Pool,
        origin: Origin,
        connection: _Connection,
        response: http.client.HTTPResponse,
        request: httpx.Request,
    ) -> None:
        self._pool = pool
        self._origin = origin
        self._connection: _Connection | None = connection
        self._response = response
        self._request = request
        self._complete = False

    def __iter__(self) -> Iterator[bytes]:
        response = self._response
        with _read_errors(self._request):
            while True:
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                yield chunk
                if response.length == 0:  # read1 would ask for 0 bytes: nothing is left
                    break
        if response.length:  # the server closed before the announced length
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body: "
                f"{response.length} bytes missing",
                request=self._request,
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
    """Turn the errors of reading a response into httpx's."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, _: Any) -> None:
        if err is None or not isinstance(err, Exception):
            return
        request = self._request
        if isinstance(err, http.client.RemoteDisconnected):
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from err
        if isinstance(err, http.client.IncompleteRead):
            raise httpx.RemoteProtocolError(
                f"peer closed connection without sending complete message body: {err!r}",
                request=request,
            ) from err
        if isinstance(err, http.client.HTTPException):
            raise httpx.RemoteProtocolError(
                f"malformed response: {type(err).__name__}: {err}", request=request
            ) from err
        if isinstance(err, TimeoutError):
            raise httpx.ReadTimeout(str(err) or "timed out", request=request) from err
        if isinstance(err, OSError):
            raise httpx.ReadError(str(err) or type(err).__name__, request=request) from err


class PooledTransport(httpx.BaseTransport):
    """HTTP/1.1 over pooled ``http.client`` connections (see the module docstring)."""

    def __init__(
        self,
        *,
        verify: bool = True,
        connections: int = 20,
        keepalive_expiry: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create the transport; no connection is opened before the first request.

        Args:
            verify: Whether to verify TLS certificates (httpx's default trust store).
            connections: The most connections open at once, all kept alive when idle.
            keepalive_expiry: Seconds an idle connection is kept before it is closed.
            clock: Monotonic clock of the keep-alive expiry.
        """
        if connections < 1:
            raise ValueError("connections must be >= 1")
        self._verify = verify
        self._ssl: ssl.SSLContext | None = None
        self._ssl_lock = threading.Lock()
        self._pool = _Pool(connections, keepalive_expiry, clock)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request and return the response, its body still to be read.

        Raises:
            httpx.TransportError: As listed in the module docstring.
        """
        url = request.url
        scheme = url.scheme
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme}://'.", request=request
            )
        origin = (scheme, url.host, url.port or (443 if scheme == "https" else 80))
        timeouts = request.extensions.get("timeout") or {}
        connection = self._pool.acquire(origin, _bounded_pool(timeouts.get("pool"), request))
        try:
            if connection is None:
                connection = self._connect(origin, timeouts.get("connect"), request)
            connection.sock.read_timeout = timeouts.get("read")
            connection.sock.write_timeout = timeouts.get("write")
            self._send(connection, request)
            with _read_errors(request):
                response = connection.http.getresponse()
        except BaseException:
            self._pool.discard(connection)
            raise
        return httpx.Response(
            status_code=response.status,
            headers=[
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in response.getheaders()
            ],
            stream=_ResponseBody(self._pool, origin, connection, response, request),
            extensions={
                "http_version": b"HTTP/1.0" if response.version == 10 else b"HTTP/1.1",
                "reason_phrase": response.reason.encode("latin-1", "replace"),
            },
        )

    def _connect(
        self, origin: Origin, timeout: float | None, request: httpx.Request
    ) -> _Connection:
        scheme, host, port = origin
        try:
            raw = socket.create_connection((host, port), _bounded(timeout))
        except TimeoutError as err:
            raise httpx.ConnectTimeout(str(err) or "timed out", request=request) from err
        except OSError as err:
            raise httpx.ConnectError(str(err) or type(err).__name__, request=request) from err
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not a TCP socket after all: nothing to tune
            pass
        sock: _Socket = _DeadlineSocket(fileno=raw.detach())
        if scheme == "https":
            plain = sock
            try:
                plain.settimeout(_bounded(timeout))
                # The context makes _DeadlineSSLSocket (its sslsocket_class).
                wrapped = self._ssl_context().wrap_socket(plain, server_hostname=host)
                sock = cast(_DeadlineSSLSocket, wrapped)
            except TimeoutError as err:
                plain.close()
                raise httpx.ConnectTimeout(str(err) or "timed out", request=request) from err
            except OSError as err:  # ssl.SSLError included
                plain.close()
                raise httpx.ConnectError(str(err) or type(err).__name__, request=request) from err
        return _Connection(origin, sock)

    def _ssl_context(self) -> ssl.SSLContext:
        with self._ssl_lock:
            if self._ssl is None:
                context = httpx.create_ssl_context(verify=self._verify)
                context.sslsocket_class = _DeadlineSSLSocket
                self._ssl = context
            return self._ssl

    def _send(self, connection: _Connection, request: httpx.Request) -> None:
        body = request.read()
        headers = request.headers
        if headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b"%X\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
        conn = connection.http
        try:
            conn.putrequest(
                request.method,
                request.url.raw_path.decode("ascii"),
                skip_host=True,
                skip_accept_encoding=True,
            )
            for name, value in headers.raw:
                conn.putheader(name, value)
        except ValueError as err:  # an illegal header name or value, a control character
            raise httpx.LocalProtocolError(str(err), request=request) from err
        try:
            if len(body) <= _INLINE_BODY:
                conn.endheaders(body or None)
            else:
                conn.endheaders()
                conn.send(body)
        except TimeoutError as err:
            raise httpx.WriteTimeout(str(err) or "timed out", request=request) from err
        except OSError as err:
            raise httpx.WriteError(str(err) or type(err).__name__, request=request) from err

    def close(self) -> None:
        """Close the idle connections; no request may be sent afterwards."""
        self._pool.close()


def _bounded_pool(timeout: float | None, request: httpx.Request) -> float | None:
    try:
        return _bounded(timeout)
    except TimeoutError as err:
        raise httpx.PoolTimeout(str(err), request=request) from err
