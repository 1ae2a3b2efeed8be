"""Retry decisions of the HTTP transport: pure functions, no I/O, no sleeping.

The transport (``ibmqjob/_api/http.py``) records each failed attempt as an :class:`Attempt`
and asks :func:`next_delay` whether to try again and after how long, given the account's
:class:`~ibmqjob.settings.RetryPolicy` (the tunables and the backoff formula); it does the
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
* The delay is :meth:`RetryPolicy.backoff <ibmqjob.settings.RetryPolicy.backoff>`: it doubles
  from ``backoff_factor`` to ``backoff_max`` (0.5, 1, 2, 4, 8 s by default) and is shortened
  by up to ``jitter`` (a fraction) at random, so that clients do not retry in step. ``total``
  (and ``connect`` for connection failures) bound the retries, except inside a blocking call
  with a deadline (``within_deadline``): there retries go on until the deadline, which the
  transport enforces, so that an outage shorter than the caller's timeout is ridden out.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import enum
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..settings import RetryPolicy

__all__ = [
    "IDEMPOTENT_METHODS",
    "Attempt",
    "Failure",
    "is_retryable",
    "next_delay",
    "parse_retry_after",
]


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


def is_retryable(
    policy: RetryPolicy, method: str, attempt: Attempt, *, post_safe: bool = False
) -> bool:
    """Return whether this kind of failure may be retried at all (budgets aside).

    Args:
        policy: The retry policy.
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
    if attempt.status_code in policy.overload_statuses:
        return True
    return attempt.status_code in policy.server_error_statuses and repeatable


def next_delay(
    policy: RetryPolicy,
    method: str,
    attempts: Sequence[Attempt],
    *,
    post_safe: bool = False,
    rand: Callable[[], float] = random.random,
    now: dt.datetime | None = None,
    within_deadline: bool = False,
) -> float | None:
    """Decide whether to retry after the last of ``attempts``, and after how long.

    Args:
        policy: The retry policy.
        method: The HTTP method of the request.
        attempts: Every failed attempt of this request so far, the latest last.
        post_safe: Whether repeating this POST cannot duplicate anything.
        rand: Source of randomness in [0, 1) for the jitter.
        now: Current time, to read ``Retry-After`` dates; the system clock if ``None``.
        within_deadline: Whether a caller's deadline bounds the retries instead of the
            ``total`` and ``connect`` budgets.

    Returns:
        Seconds to wait before the next attempt, or ``None`` to give up.
    """
    if not attempts:
        raise ValueError("next_delay needs at least one failed attempt.")
    last = attempts[-1]
    retries_done = len(attempts) - 1
    if not is_retryable(policy, method, last, post_safe=post_safe):
        return None
    if not within_deadline and retries_done >= policy.total:
        return None
    if last.failure is Failure.CONNECT and not within_deadline:
        connect_retries = sum(1 for a in attempts[:-1] if a.failure is Failure.CONNECT)
        if connect_retries >= policy.connect:
            return None
    if last.status_code in policy.overload_statuses and last.retry_after is not None:
        wait = parse_retry_after(last.retry_after, now)
        if wait is not None:
            return min(wait, policy.retry_after_max)
    return policy.backoff(retries_done, rand)


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
