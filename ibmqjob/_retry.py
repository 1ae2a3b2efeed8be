"""The retry policy of the HTTP transport: pure decisions, no I/O, no sleeping.

The transport (``ibmqjob/_http.py``) records each failed attempt as an :class:`Attempt` and
asks :meth:`RetryPolicy.next_delay` whether to try again and after how long; it does the
sleeping itself. Rules:

* Connection failures (the request never reached the server) are retried for every method,
  within the ``connect`` budget.
* Failures after the request was sent (read timeouts, dropped connections) and server errors
  (500, 502, 504 and the Cloudflare 520, 522, 524) are retried only for idempotent methods
  (GET, PUT, DELETE, HEAD, OPTIONS) and for POSTs the caller declares safe to repeat
  (``post_safe``: cancel, upload and download callbacks, login). Job creation
  (``POST /Jobs``) is not safe: repeating it after the server may have acted on it could
  create a second job.
* 429 and 503 mean the server did not act on the request, so they are retried for every
  method; their ``Retry-After`` (seconds or an HTTP date) is honoured up to
  ``retry_after_max``.
* The delay doubles from ``backoff_factor`` to ``backoff_max``
  (0.5, 1, 2, 4, 8 s by default) and is shortened by up to ``jitter`` (a fraction) at random,
  so that clients do not retry in step. ``total`` bounds the retries.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import enum
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Attempt", "Failure", "RetryPolicy", "parse_retry_after"]


class Failure(enum.Enum):
    """How an attempt failed when no HTTP status was received."""

    CONNECT = "connect"
    """The connection could not be established: the server never saw the request."""

    READ = "read"
    """The request was sent but no complete response came back (timeout, reset)."""


@dataclass(frozen=True)
class Attempt:
    """One failed attempt: either a ``failure`` or an HTTP ``status_code``.

    Attributes:
        status_code: The HTTP status received, or ``None``.
        failure: The transport failure, or ``None`` when a status was received.
        retry_after: The raw ``Retry-After`` header of the response, if any.
    """

    status_code: int | None = None
    failure: Failure | None = None
    retry_after: str | None = None


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff, jitter and a capped ``Retry-After``.

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
        if self.backoff_factor < 0 or self.backoff_max < 0 or self.retry_after_max < 0:
            raise ValueError("Retry delays must not be negative.")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter}.")

    def is_retryable(self, method: str, attempt: Attempt, *, post_safe: bool = False) -> bool:
        """Return whether this kind of failure may be retried at all (budgets aside).

        Args:
            method: The HTTP method of the request.
            attempt: The failed attempt.
            post_safe: Whether repeating this POST cannot duplicate anything.

        Returns:
            ``True`` if the failure is retryable for this method.
        """
        repeatable = method.upper() in IDEMPOTENT_METHODS or post_safe
        if attempt.failure is Failure.CONNECT:
            return True
        if attempt.failure is Failure.READ:
            return repeatable
        if attempt.status_code in self.overload_statuses:
            return True
        return attempt.status_code in self.server_error_statuses and repeatable

    def next_delay(
        self,
        method: str,
        attempts: Sequence[Attempt],
        *,
        post_safe: bool = False,
        rand: Callable[[], float] = random.random,
        now: dt.datetime | None = None,
    ) -> float | None:
        """Decide whether to retry after the last of ``attempts``, and after how long.

        Args:
            method: The HTTP method of the request.
            attempts: Every failed attempt of this request so far, the latest last.
            post_safe: Whether repeating this POST cannot duplicate anything.
            rand: Source of randomness in [0, 1) for the jitter.
            now: Current time, to read ``Retry-After`` dates; the system clock if ``None``.

        Returns:
            Seconds to wait before the next attempt, or ``None`` to give up.
        """
        if not attempts:
            raise ValueError("next_delay needs at least one failed attempt.")
        last = attempts[-1]
        retries_done = len(attempts) - 1
        if retries_done >= self.total or not self.is_retryable(method, last, post_safe=post_safe):
            return None
        if last.failure is Failure.CONNECT:
            connect_retries = sum(1 for a in attempts[:-1] if a.failure is Failure.CONNECT)
            if connect_retries >= self.connect:
                return None
        if last.status_code in self.overload_statuses and last.retry_after is not None:
            wait = parse_retry_after(last.retry_after, now)
            if wait is not None:
                return min(wait, self.retry_after_max)
        return self.backoff(retries_done, rand)

    def backoff(self, retries_done: int, rand: Callable[[], float] = random.random) -> float:
        """Return the backoff delay before retry number ``retries_done + 1``.

        Args:
            retries_done: How many retries were already made.
            rand: Source of randomness in [0, 1) for the jitter.

        Returns:
            ``min(backoff_max, backoff_factor * 2**retries_done)`` reduced by the jitter.
        """
        base = min(self.backoff_max, self.backoff_factor * 2.0 ** min(retries_done, 62))
        return base * (1.0 - self.jitter * rand())


def parse_retry_after(value: str, now: dt.datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delay seconds or an HTTP date.

    Args:
        value: The header value, e.g. ``"3"``, ``"1.5"`` or ``"Wed, 21 Oct 2015 07:28:00 GMT"``.
        now: Current time for HTTP dates; the system clock if ``None``.

    Returns:
        Seconds to wait (never negative), or ``None`` if the value cannot be parsed.
    """
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())
