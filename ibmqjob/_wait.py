"""The waiting loop: websocket first, HTTP polling as fallback, one monotonic deadline.

Everything that touches the outside world is injected (the status stream, the status
request, ``sleep`` and ``clock``), so the loop runs in tests without wall time.

Callback contract (``wait_for_final_state``): the callback gets the status and queue
information of the latest observation; with ``callback_wait=None`` it is called only when
``(status, queue_info)`` changes, with ``callback_wait=N`` about every ``N`` seconds with the
latest observation. It is never called for a final status. It runs on the waiting thread, so
an exception it raises ends the wait.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Protocol

from qiskit.providers import JobStatus

from ._api.records import StatusRecord
from .exceptions import (
    ApiError,
    UserTimeoutExceededError,
    WebsocketError,
    WebsocketTimeoutError,
)
from .queueinfo import QueueInfo
from .status import is_final

__all__ = ["CallbackDispatcher", "StatusStream", "wait_for_final_status"]

logger = logging.getLogger(__name__)

Observation = tuple[JobStatus, QueueInfo | None]


class StatusStream(Protocol):
    """Opens a stream of status records (the websocket).

    Called with the monotonic ``deadline`` (``None``: none) and ``tick``: the longest time the
    stream may block before yielding ``None`` to hand control back (``None``: block until a
    frame arrives). The stream ends when the server closes without error (the wait closes it
    as soon as it observes a final status); it raises ``WebsocketTimeoutError`` at the
    deadline and other ``WebsocketError`` subclasses when the websocket cannot be used.
    """

    def __call__(
        self, deadline: float | None, tick: float | None
    ) -> Generator[StatusRecord | None, None, None]:
        """Open the stream."""
        ...


@dataclass
class CallbackDispatcher:
    """Decides when the user callback runs (see the module docstring).

    Attributes:
        callback: Called as ``callback(status, queue_info)``; ``None`` for no callback.
        wait: ``None`` to call on change only, else the interval in seconds.
        clock: Monotonic clock.
    """

    callback: Callable[[JobStatus, QueueInfo | None], None] | None
    wait: float | None
    clock: Callable[[], float]
    _latest: Observation | None = field(default=None, init=False)
    _last_called: Observation | None = field(default=None, init=False)
    _next_due: float = field(default=math.inf, init=False)

    def __post_init__(self) -> None:
        if self.wait is not None and self.callback is not None:
            self._next_due = self.clock() + self.wait

    def observe(self, status: JobStatus, queue_info: QueueInfo | None) -> None:
        """Record a new observation; on-change callbacks fire here."""
        self._latest = (status, queue_info)
        if self.callback is None or is_final(status):
            return
        if self.wait is None and self._latest != self._last_called:
            self._call(self._latest)

    def tick(self) -> None:
        """Give periodic callbacks a chance to fire; call this whenever control returns."""
        if self.callback is None or self.wait is None or self._latest is None:
            return
        now = self.clock()
        if now < self._next_due:
            return
        # Skip missed periods instead of firing a burst after a long block.
        periods = math.floor((now - self._next_due) / self.wait) + 1 if self.wait > 0 else 1
        self._next_due += periods * self.wait if self.wait > 0 else 0
        if not is_final(self._latest[0]):
            self._call(self._latest)

    @property
    def period(self) -> float | None:
        """Return the interval of periodic callbacks, ``None`` when there are none."""
        return None if self.callback is None else self.wait

    def seconds_to_next(self) -> float | None:
        """Return how long until the next periodic callback, or ``None`` if none is pending."""
        if self.callback is None or self.wait is None:
            return None
        return max(0.0, self._next_due - self.clock())

    def _call(self, observation: Observation) -> None:
        assert self.callback is not None
        self._last_called = observation
        logger.debug("Invoking the status callback: status=%s, queue_info=%r", *observation)
        self.callback(*observation)


def wait_for_final_status(
    *,
    fetch_status: Callable[[], StatusRecord],
    observe: Callable[[StatusRecord], Observation],
    stream: StatusStream | None = None,
    timeout: float | None = None,
    poll_interval: float = 5.0,
    dispatcher: CallbackDispatcher | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    silence_check: float | None = None,
) -> Observation:
    """Block until a final status is observed, and return it.

    Args:
        fetch_status: One HTTP status request (``GET /Jobs/{id}/status/v/1``).
        observe: Turns a status record into (status, queue info) and updates the job.
        stream: The websocket status stream, tried first; ``None`` to poll only.
        timeout: Seconds to wait in total, ``None`` for no limit. Honoured on both paths.
        poll_interval: Seconds between two status requests when polling.
        dispatcher: Runs the user callback; ``None`` for no callback.
        sleep: Sleeps for a number of seconds.
        clock: Monotonic clock, in seconds.
        silence_check: While on the websocket, seconds without a frame after which the
            status is asked with ``fetch_status`` (a websocket that stays open but says
            nothing must not hide a finished job); ``None`` never asks.

    Returns:
        The final status and its (always ``None``) queue information.

    Raises:
        UserTimeoutExceededError: If no final status was observed before the timeout.
        ApiError: If a status request failed (after the API layer's own retries).
        ValueError: If ``timeout`` or ``poll_interval`` is negative.
    """
    if timeout is not None and timeout < 0:
        raise ValueError(f"timeout must not be negative, got {timeout}.")
    if poll_interval < 0:
        raise ValueError(f"wait must not be negative, got {poll_interval}.")
    deadline = None if timeout is None else clock() + timeout
    dispatcher = dispatcher or CallbackDispatcher(None, None, clock)
    if stream is not None:
        final = _wait_on_stream(
            stream, observe, deadline, dispatcher, clock, fetch_status, silence_check
        )
        if final is not None:
            return final
    return _wait_polling(fetch_status, observe, deadline, poll_interval, dispatcher, sleep, clock)


def _wait_on_stream(
    stream: StatusStream,
    observe: Callable[[StatusRecord], Observation],
    deadline: float | None,
    dispatcher: CallbackDispatcher,
    clock: Callable[[], float],
    fetch_status: Callable[[], StatusRecord],
    silence_check: float | None,
) -> Observation | None:
    """Follow the websocket; ``None`` means "fall back to polling"."""
    period = dispatcher.period
    tick = silence_check if period is None else _min_given(period, silence_check)
    last_heard = clock()
    try:
        with contextlib.closing(stream(deadline, tick)) as records:
            for record in records:
                if record is None and silence_check is not None:
                    if clock() - last_heard >= silence_check:
                        last_heard = clock()
                        record = _status_or_none(fetch_status)
                else:
                    last_heard = clock()
                if record is not None:
                    observation = observe(record)
                    dispatcher.observe(*observation)
                    if is_final(observation[0]):
                        return observation  # closing the stream closes the websocket
                _check_deadline(deadline, clock)
                dispatcher.tick()
    except WebsocketTimeoutError as err:
        raise UserTimeoutExceededError("Timeout while waiting for the job status.") from err
    except WebsocketError as err:
        logger.info("Status websocket unavailable, polling instead: %s", err.message)
        return None
    logger.info("Status websocket closed before a final status, polling instead.")
    return None


def _min_given(a: float, b: float | None) -> float:
    return a if b is None else min(a, b)


def _status_or_none(fetch_status: Callable[[], StatusRecord]) -> StatusRecord | None:
    """Ask the status while the websocket is silent; a failure leaves the wait on it."""
    try:
        return fetch_status()
    except UserTimeoutExceededError:
        raise
    except ApiError as err:
        logger.info("Status check while the websocket was silent failed: %s", err.message)
        return None


def _wait_polling(
    fetch_status: Callable[[], StatusRecord],
    observe: Callable[[StatusRecord], Observation],
    deadline: float | None,
    poll_interval: float,
    dispatcher: CallbackDispatcher,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> Observation:
    while True:
        observation = observe(fetch_status())
        dispatcher.observe(*observation)
        if is_final(observation[0]):
            return observation
        _check_deadline(deadline, clock)
        next_poll = clock() + poll_interval
        while True:
            dispatcher.tick()
            now = clock()
            pause = _pause(now, next_poll, deadline, dispatcher.seconds_to_next())
            if pause <= 0:
                break
            sleep(pause)


def _pause(
    now: float, next_poll: float, deadline: float | None, to_callback: float | None
) -> float:
    """Time to sleep before the next event: a poll, the deadline or a periodic callback."""
    until = next_poll if deadline is None else min(next_poll, deadline)
    pause = until - now
    if to_callback is not None and 0 < to_callback < pause:
        pause = to_callback
    return pause


def _check_deadline(deadline: float | None, clock: Callable[[], float]) -> None:
    if deadline is not None and clock() >= deadline:
        raise UserTimeoutExceededError("Timeout while waiting for the job status.")
