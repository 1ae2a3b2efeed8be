"""How an account talks to its server: HTTP, retries, the status websocket and the time source.

Every class here is a frozen dataclass with no I/O, shared by the HTTP transport, the
websocket and the job waits::

    from ibmqjob import IBMQ
    from ibmqjob.settings import HttpSettings, RetryPolicy, TimeSource

    settings = HttpSettings(read_timeout=60.0, policy=RetryPolicy(total=3))
    provider = IBMQ.enable_account(token, url, http_settings=settings)

:class:`TimeSource` is the one clock and sleep of an account: retries of the HTTP transport,
reconnections of the status websocket and the waits of ``IBMQJob.result()`` and
``wait_for_final_state()`` all use it. Tests and recorded sessions swap it for a virtual
clock, so that waits take no wall time.

Recorded sessions (``ibmqjob.testing``) also need to reach accounts that a user enables
plainly, with no ``http_settings``. :func:`session_defaults` is that seam: while it is active,
settings built with their defaults take its time source and its websocket connect function
(which opens the status websocket, as ``websockets.sync.client.connect`` does)::

    with session_defaults(time=TimeSource(sleep=clock.sleep, clock=clock.now)):
        provider = IBMQ.enable_account(token, url)  # its waits use the virtual clock
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, Self

import httpx

from ._wsconnection import connect as _status_connect

__all__ = [
    "HttpSettings",
    "RetryPolicy",
    "TimeSource",
    "WebsocketConnect",
    "WebsocketConnection",
    "WebsocketPolicy",
    "default_time_source",
    "default_websocket_connect",
    "session_defaults",
]


def _exponential_backoff(factor: float, maximum: float, retries_done: int) -> float:
    """The one backoff formula: ``min(maximum, factor * 2**retries_done)``.

    HTTP retries (:meth:`RetryPolicy.backoff`) and websocket reconnections
    (:meth:`WebsocketPolicy.backoff`) both wait this long; only the HTTP retries add jitter.
    """
    return min(maximum, factor * 2.0 ** min(max(retries_done, 0), 62))


def _check_backoff(factor: float, maximum: float) -> None:
    if factor < 0 or maximum < 0:
        raise ValueError("Backoff delays must not be negative.")


def _check_positive(owner: object, *names: str, optional: bool = False) -> None:
    for name in names:
        value = getattr(owner, name)
        if optional and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            allowed = "a positive number of seconds" + (" or None" if optional else "")
            raise ValueError(f"{type(owner).__name__}.{name} must be {allowed}, got {value!r}.")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries of HTTP requests with exponential backoff, jitter and ``Retry-After``.

    Which failures are retried is decided per attempt by the transport: connection failures
    for every method (within ``connect``), read failures and ``server_error_statuses`` only
    for requests that are safe to repeat (never job creation), ``overload_statuses`` for
    every method, honouring their ``Retry-After`` up to ``retry_after_max``.

    Attributes:
        total: Maximum number of retries of one request.
        connect: Maximum number of retries after connection failures.
        backoff_factor: Delay before the first retry, in seconds.
        backoff_max: Longest backoff delay, in seconds.
        jitter: Fraction (0 to 1) by which a delay may be shortened at random.
        retry_after_max: Longest ``Retry-After`` honoured, in seconds.
        server_error_statuses: Statuses retried when the method is safe to repeat.
        overload_statuses: Statuses retried for every method (the request was not acted on).
    """

    total: int = 5
    connect: int = 3
    backoff_factor: float = 0.5
    backoff_max: float = 8.0
    jitter: float = 0.25
    retry_after_max: float = 30.0
    server_error_statuses: frozenset[int] = frozenset({500, 502, 504, 520, 522, 524})
    overload_statuses: frozenset[int] = frozenset({429, 503})

    def __post_init__(self) -> None:
        if self.total < 0 or self.connect < 0:
            raise ValueError("Retry budgets must not be negative.")
        _check_backoff(self.backoff_factor, self.backoff_max)
        if self.retry_after_max < 0:
            raise ValueError("Retry delays must not be negative.")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter}.")

    def backoff(self, retries_done: int, rand: Callable[[], float] = random.random) -> float:
        """Return the delay before retry number ``retries_done + 1``.

        Args:
            retries_done: How many retries were already made.
            rand: Source of randomness in [0, 1) for the jitter.

        Returns:
            ``min(backoff_max, backoff_factor * 2**retries_done)`` (0.5, 1, 2, 4, 8 s by
            default) shortened by up to ``jitter`` at random.
        """
        base = _exponential_backoff(self.backoff_factor, self.backoff_max, retries_done)
        return base * (1.0 - self.jitter * rand())


@dataclass(frozen=True)
class TimeSource:
    """The clock and the sleep that every wait of an account uses.

    Attributes:
        sleep: Waits for a number of seconds (``time.sleep``).
        clock: A monotonic clock in seconds (``time.monotonic``); deadlines are read on it.
    """

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        if not callable(self.sleep) or not callable(self.clock):
            raise TypeError("TimeSource.sleep and TimeSource.clock must be callables.")


class WebsocketConnection(Protocol):
    """An open websocket, as the status websocket uses it (``websockets``' sync connection)."""

    def send(self, message: str) -> None:
        """Send a text frame."""
        ...

    def recv(self, timeout: float | None = None) -> str | bytes:
        """Return the next frame; ``TimeoutError`` after ``timeout`` seconds, and
        ``websockets.exceptions.ConnectionClosed`` once the connection is closed."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...

    def __enter__(self) -> Self:
        """Return the connection."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the connection."""
        ...


WebsocketConnect = Callable[..., WebsocketConnection]
"""Opens a websocket: called as ``websockets.sync.client.connect(url, **options)`` is, and
raises what it raises (``OSError``, ``InvalidHandshake``, ``TimeoutError``...)."""


class _SessionDefaults:
    """What settings built with their defaults use; changed only by :func:`session_defaults`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.time: TimeSource | None = None
        self.websocket_connect: WebsocketConnect | None = None


_defaults = _SessionDefaults()


def default_time_source() -> TimeSource:
    """Return the time source of settings built without one.

    Returns:
        The one set by the innermost active :func:`session_defaults`, else the system's
        (``time.sleep`` and ``time.monotonic``).
    """
    return _defaults.time or TimeSource()


def default_websocket_connect() -> WebsocketConnect:
    """Return the function that opens status websockets of settings built without one.

    Returns:
        The one set by the innermost active :func:`session_defaults`, else
        ``ibmqjob._wsconnection.connect`` (websockets' protocol read on the waiting thread;
        ``websockets.sync.client.connect`` for a proxy).
    """
    return _defaults.websocket_connect or _status_connect


@contextmanager
def session_defaults(
    *, time: TimeSource | None = None, websocket_connect: WebsocketConnect | None = None
) -> Iterator[None]:
    """Change the defaults of settings built while the block runs (recorded sessions use it).

    An account enabled inside the block with default settings waits on ``time`` and opens
    its status websockets with ``websocket_connect``; it keeps them after the block. Blocks
    nest; leaving one restores what was in force before it. The defaults are process-wide
    (every thread sees them).

    Args:
        time: The time source; ``None`` keeps the current one.
        websocket_connect: Opens status websockets; ``None`` keeps the current one.

    Yields:
        Nothing.
    """
    with _defaults.lock:
        saved: tuple[Any, Any] = (_defaults.time, _defaults.websocket_connect)
        _defaults.time = time or _defaults.time
        _defaults.websocket_connect = websocket_connect or _defaults.websocket_connect
    try:
        yield
    finally:
        with _defaults.lock:
            _defaults.time, _defaults.websocket_connect = saved


@dataclass(frozen=True)
class WebsocketPolicy:
    """Tunables of the status websocket.

    Attributes:
        retries: Reconnections allowed in a row after retryable failures.
        backoff_factor: Delay before the first reconnection, in seconds.
        backoff_max: Longest delay between reconnections, in seconds.
        open_timeout: Longest time to open the connection, in seconds.
        ping_interval: Keepalive ping interval, in seconds.
        ping_timeout: Keepalive pong timeout, in seconds.
        min_tick: Shortest time a read blocks before handing control back, in seconds.
        silence_check: Seconds without a frame after which a waiting job asks its status
            over HTTP (a websocket that stays open but silent must not hide a finished job);
            ``None`` never asks.
        close_timeout: Longest wait for the server's side of the closing handshake, in
            seconds (a wait that ends closes its websocket within this time).
        connect: Opens the websocket (:func:`default_websocket_connect` unless
            :func:`session_defaults` says otherwise when the policy is built).
    """

    retries: int = 5
    backoff_factor: float = 0.5
    backoff_max: float = 8.0
    open_timeout: float = 10.0
    # A connection that goes silent without a FIN or reset (a dropped network path) is only
    # noticed by the keepalive: 20 s + 10 s bounds how long a wait can hang before polling.
    ping_interval: float = 20.0
    ping_timeout: float = 10.0
    min_tick: float = 0.05
    silence_check: float | None = 10.0
    close_timeout: float = 0.5
    connect: WebsocketConnect = field(default_factory=default_websocket_connect)

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("Websocket retries must not be negative.")
        _check_backoff(self.backoff_factor, self.backoff_max)
        _check_positive(
            self, "open_timeout", "ping_interval", "ping_timeout", "min_tick", "close_timeout"
        )
        _check_positive(self, "silence_check", optional=True)

    def backoff(self, reconnections_done: int) -> float:
        """Return the delay before reconnection number ``reconnections_done + 1``.

        Args:
            reconnections_done: How many reconnections in a row were already made.

        Returns:
            ``min(backoff_max, backoff_factor * 2**reconnections_done)``: 0.5, 1, 2, 4, 8 s
            by default, the formula of :meth:`RetryPolicy.backoff` without jitter.
        """
        return _exponential_backoff(self.backoff_factor, self.backoff_max, reconnections_done)


@dataclass(frozen=True)
class HttpSettings:
    """How the client of an account behaves.

    Attributes:
        connect_timeout: Seconds to establish a connection.
        read_timeout: Seconds to wait for data of an API response (``None``: forever);
            with ``connect_timeout``, also the longest time one attempt may take as a whole.
        policy: The retry policy of HTTP requests.
        websocket: The tunables of the status websocket.
        time: The clock and sleep of retries, reconnections and job waits (the system's,
            unless :func:`session_defaults` says otherwise when the settings are built).
        rand: Source of randomness in [0, 1) for the retry jitter.
        verify: Whether to verify TLS certificates.
        transport: The transport doing the I/O; a pooled ``httpx.HTTPTransport`` if ``None``
            (tests pass an ``httpx.MockTransport``).
        connections: The most connections the account has open at once; above it, a
            request waits for a free connection. A connection is opened only when the
            requests in flight at once need one more, and closed after 4 s idle, so the
            pool follows the account's concurrency: 256 threads sharing the account
            (the default limit) each have one, instead of taking turns at a few. The pool
            takes and gives back a connection in the same time whatever the number of
            connections and of threads waiting for one.
        max_response_bytes: Largest body of an API response (and of a downloaded Qobj), in
            bytes, compressed or not; a larger one fails the call with an ``ApiError`` (an
            ``IBMQJobApiError`` or ``IBMQBackendApiError`` for the user) that says so. Bodies
            are read in chunks and never buffered beyond this.
        max_result_bytes: Largest result document downloaded by ``IBMQJob.result()``, in
            bytes; raise it for results bigger than 256 MiB.
        submit_timeout: Seconds that ``backend.run()`` may spend on one submission,
            retries included: transient failures are retried and an unknown outcome is
            resolved by asking the server, until this deadline (``None``: no limit).

    Every attempt of a request must complete, body included, within ``connect_timeout +
    read_timeout`` (``STORAGE_TIMEOUT`` for signed storage transfers), however slowly the
    server sends it; inside a blocking call with a timeout (``result(timeout=...)``) the
    call's deadline bounds every attempt and every retry too.
    """

    connect_timeout: float = 5.0
    read_timeout: float | None = 300.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    websocket: WebsocketPolicy = field(default_factory=WebsocketPolicy)
    time: TimeSource = field(default_factory=default_time_source)
    rand: Callable[[], float] = random.random
    verify: bool = True
    transport: httpx.BaseTransport | None = None
    max_response_bytes: int = 64 * 2**20
    max_result_bytes: int = 256 * 2**20
    submit_timeout: float | None = 300.0
    connections: int = 256

    def __post_init__(self) -> None:
        _check_positive(self, "connect_timeout")
        _check_positive(self, "read_timeout", "submit_timeout", optional=True)
        if isinstance(self.connections, bool) or not isinstance(self.connections, int):
            raise TypeError("HttpSettings.connections must be an int.")
        if self.connections < 1:
            raise ValueError("HttpSettings.connections must be >= 1.")
        for name in ("max_response_bytes", "max_result_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"HttpSettings.{name} must be a positive number of bytes, got {value!r}."
                )
        for name, kind in (
            ("policy", RetryPolicy),
            ("websocket", WebsocketPolicy),
            ("time", TimeSource),
        ):
            if not isinstance(getattr(self, name), kind):
                raise TypeError(f"HttpSettings.{name} must be a {kind.__name__}.")
        if not callable(self.rand):
            raise TypeError("HttpSettings.rand must be a callable.")
