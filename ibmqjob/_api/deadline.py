"""Deadlines of blocking calls, seen by every request and socket read made inside them.

A blocking call of the SDK (``IBMQJob.result(timeout=...)``, ``wait_for_final_state``,
``backend.run``) opens a :func:`deadline_scope`; the HTTP transport (``ibmqjob/_api/http.py``)
reads :func:`current_deadline` for every request made in it, on the same thread:

* each attempt of a request is bounded as a whole (connection, headers and body) by the
  earlier of the caller's deadline and the attempt's own bound (:func:`io_scope`), which the
  socket layer of the transport honours on every read and write;
* retries continue while the caller's deadline leaves time, not for a fixed number of
  attempts, and stop at the deadline with ``UserTimeoutExceededError``.

Deadlines are read on the account's :class:`~ibmqjob.settings.TimeSource` clock. They live
in context variables, so threads (and the scopes they open) do not see each other's.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = [
    "Deadline",
    "current_deadline",
    "current_io_deadline",
    "deadline_scope",
    "earliest",
    "io_scope",
]


@dataclass(frozen=True)
class Deadline:
    """An instant on a monotonic clock.

    Attributes:
        at: The instant, in the clock's seconds.
        clock: The monotonic clock it is read on.
    """

    at: float
    clock: Callable[[], float]

    def remaining(self) -> float:
        """Return the seconds left (negative once past)."""
        return self.at - self.clock()

    def expired(self) -> bool:
        """Return whether the instant has passed."""
        return self.clock() >= self.at

    def cap(self, seconds: float | None) -> float:
        """Return ``seconds`` (``None``: unbounded) shortened to the time left, at least 0."""
        left = max(0.0, self.remaining())
        return left if seconds is None else min(seconds, left)


_caller: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "ibmqjob_caller_deadline", default=None
)
_io: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "ibmqjob_io_deadline", default=None
)


def current_deadline() -> Deadline | None:
    """Return the deadline of the innermost blocking call on this thread, if any."""
    return _caller.get()


def current_io_deadline() -> Deadline | None:
    """Return the bound of the request attempt in progress on this thread, if any."""
    return _io.get()


def earliest(*deadlines: Deadline | None) -> Deadline | None:
    """Return the earliest of the deadlines given (``None`` ones ignored)."""
    found = [d for d in deadlines if d is not None]
    return min(found, key=lambda d: d.at) if found else None


@contextmanager
def deadline_scope(
    clock: Callable[[], float], timeout: float | None, *, replace: bool = False
) -> Iterator[Deadline | None]:
    """Run a blocking call within ``timeout`` seconds (``None``: no limit of its own).

    A scope opened inside another never extends it: the earlier deadline holds, unless
    ``replace`` (a step that must be tried even when the call's own time is spent, such as
    asking the server what became of a submission).

    Args:
        clock: The account's monotonic clock.
        timeout: Seconds from now.
        replace: Whether to ignore the enclosing deadline.

    Yields:
        The deadline in force inside the block (``None`` if there is none).
    """
    mine = None if timeout is None else Deadline(clock() + timeout, clock)
    chosen = mine if replace else earliest(_caller.get(), mine)
    token = _caller.set(chosen)
    try:
        yield chosen
    finally:
        _caller.reset(token)


@contextmanager
def io_scope(deadline: Deadline | None) -> Iterator[None]:
    """Bound the socket reads and writes of one request attempt by ``deadline``."""
    token = _io.set(deadline)
    try:
        yield
    finally:
        _io.reset(token)
