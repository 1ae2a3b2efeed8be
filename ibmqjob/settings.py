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
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ._retry import RetryPolicy

__all__ = ["HttpSettings", "RetryPolicy", "TimeSource", "WebsocketPolicy"]


@dataclass(frozen=True)
class TimeSource:
    """The clock and the sleep that every wait of an account uses.

    Attributes:
        sleep: Waits for a number of seconds (``time.sleep``).
        clock: A monotonic clock in seconds (``time.monotonic``); deadlines are read on it.
    """

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


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


@dataclass(frozen=True)
class HttpSettings:
    """How the client of an account behaves.

    Attributes:
        connect_timeout: Seconds to establish a connection.
        read_timeout: Seconds to wait for data of an API response (``None``: forever).
        policy: The retry policy of HTTP requests.
        websocket: The tunables of the status websocket.
        time: The clock and sleep of retries, reconnections and job waits.
        rand: Source of randomness in [0, 1) for the retry jitter.
        verify: Whether to verify TLS certificates.
        transport: The transport doing the I/O; a pooled ``httpx.HTTPTransport`` if ``None``
            (tests pass an ``httpx.MockTransport``).
    """

    connect_timeout: float = 5.0
    read_timeout: float | None = 300.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    websocket: WebsocketPolicy = field(default_factory=WebsocketPolicy)
    time: TimeSource = field(default_factory=TimeSource)
    rand: Callable[[], float] = random.random
    verify: bool = True
    transport: httpx.BaseTransport | None = None
