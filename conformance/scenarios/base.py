"""What a scenario is, what it gets to work with, and how it says what went wrong.

A scenario is a function taking a :class:`ScenarioContext`. It passes by returning, fails by
raising :class:`ScenarioFailure` (through :func:`expect` and friends) with a reason that names
the broken part of the contract, and is skipped by raising :class:`ScenarioSkip` when the server
cannot be judged on it (for example a job that finished before it could be cancelled).

Waiting goes through the context's ``sleep`` and ``clock``. The validator uses real time;
recording and replay use a :class:`VirtualClock`, which only advances when something sleeps,
so a recorded session makes the same requests, in the same order, when it is replayed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import httpx

if TYPE_CHECKING:
    from ..audit import WireAudit
    from ..evidence import ExchangeLog

__all__ = [
    "Scenario",
    "ScenarioContext",
    "ScenarioFailure",
    "ScenarioSkip",
    "VirtualClock",
    "expect",
    "expect_raises",
    "fail",
    "wait_until",
]


class ScenarioFailure(AssertionError):
    """The server broke the contract; the message names what and where."""


class ScenarioSkip(Exception):
    """The scenario could not judge the server (the message says why)."""


def fail(reason: str) -> NoReturn:
    """Fail the scenario with ``reason``."""
    raise ScenarioFailure(reason)


def expect(condition: object, reason: str) -> None:
    """Fail the scenario with ``reason`` unless ``condition`` holds."""
    if not condition:
        raise ScenarioFailure(reason)


@contextmanager
def expect_raises(
    kind: type[BaseException] | tuple[type[BaseException], ...], reason: str
) -> Iterator[list[BaseException]]:
    """Fail the scenario unless the block raises ``kind``; yields a list holding the error.

    Args:
        kind: The expected exception type(s).
        reason: The failure reason when nothing (or something else) is raised.

    Yields:
        A list that holds the raised exception after the block.
    """
    caught: list[BaseException] = []
    try:
        yield caught
    except kind as err:
        caught.append(err)
        return
    except ScenarioFailure:
        raise
    except Exception as err:
        fail(f"{reason}; got {type(err).__name__}: {err}")
    fail(f"{reason}; nothing was raised")


class VirtualClock:
    """A monotonic clock that advances only by the time slept through it.

    Args:
        really_sleep: Whether :meth:`sleep` also waits for real (recording against a live
            server needs the server to make progress; replay does not).
    """

    def __init__(self, really_sleep: bool) -> None:
        self._now = 0.0
        self._really_sleep = really_sleep

    def __call__(self) -> float:
        """Return the virtual time in seconds."""
        return self._now

    def sleep(self, seconds: float) -> None:
        """Advance the virtual time (and wait for real if asked to)."""
        seconds = max(0.0, seconds)
        if self._really_sleep:
            time.sleep(seconds)
        self._now += seconds


@dataclass
class ScenarioContext:
    """Everything a scenario may use.

    Attributes:
        url: The server's API base (auth URL).
        token: An API token of a user with a default project.
        other_token: An API token of another user, if known.
        openapi: The OpenAPI document.
        asyncapi: The AsyncAPI document.
        run_id: Prefix of the names and tags of the jobs of this run, so that listings of
            one scenario never see the jobs of another (or of an earlier run).
        websocket: Whether the SDK may use the status websocket (off for recordings).
        sleep: Waits a number of seconds.
        clock: Monotonic time in seconds.
        poll_interval: Seconds between status polls.
        timeout: Longest wait for a job to end, in seconds.
        shots: Shots per job (small: the suite checks the protocol, not the physics).
        audit: Checks every HTTP response of the scenarios against the spec (strict mode).
        exchanges: Keeps the last HTTP exchanges of the running scenario (its evidence).
        notes: What a scenario observed, for the report.
        cleanups: Called after the scenario (closing the accounts it opened), newest first.
    """

    url: str
    token: str
    other_token: str | None
    openapi: dict[str, Any]
    asyncapi: dict[str, Any]
    run_id: str = "conformance"
    websocket: bool = True
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    poll_interval: float = 0.1
    timeout: float = 60.0
    shots: int = 256
    audit: WireAudit | None = None
    exchanges: ExchangeLog | None = None
    notes: list[str] = field(default_factory=list)
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Record an observation shown in the report."""
        self.notes.append(text)

    def defer(self, cleanup: Callable[[], None]) -> None:
        """Call ``cleanup`` once the scenario is over."""
        self.cleanups.append(cleanup)

    def clean_up(self) -> None:
        """Run the deferred cleanups, newest first; their errors are not the scenario's."""
        while self.cleanups:
            try:
                self.cleanups.pop()()
            except Exception:  # a failed close must not hide the verdict
                continue

    def transport(self) -> httpx.BaseTransport | None:
        """The httpx transport every client of a scenario uses (logged, and audited if strict).

        ``None`` when neither is on: httpx's default. A client given a transport does not
        always close it (the SDK leaves a caller's transport open), so the transport is closed
        with the scenario's other cleanups, after the accounts that use it.
        """
        inner = self.audit.transport() if self.audit else None
        transport = self.exchanges.transport(inner) if self.exchanges else inner
        if transport is not None:
            self.defer(transport.close)
        return transport

    def http_get(self, url: str, **options: Any) -> httpx.Response:
        """``GET`` an absolute URL without the user's token (signed URLs, ``/version``)."""
        with httpx.Client(transport=self.transport(), timeout=30) as client:
            return client.get(url, **options)

    def tag(self, scenario: str) -> str:
        """The tag (and name prefix) of the jobs a scenario submits."""
        return f"{self.run_id}-{scenario}"


def wait_until(
    ctx: ScenarioContext,
    what: str,
    probe: Callable[[], Any],
    timeout: float | None = None,
) -> Any:
    """Call ``probe`` every poll interval until it returns a truthy value; return that value.

    Args:
        ctx: The context (its sleep, clock and poll interval are used).
        what: What is awaited, for the failure reason.
        probe: Returns a falsy value while waiting.
        timeout: Seconds to wait at most; the context's timeout if ``None``.

    Returns:
        The first truthy value of ``probe``.

    Raises:
        ScenarioFailure: the time ran out.
    """
    deadline = ctx.clock() + (ctx.timeout if timeout is None else timeout)
    while True:
        value = probe()
        if value:
            return value
        if ctx.clock() >= deadline:
            fail(f"timed out waiting for {what}")
        ctx.sleep(ctx.poll_interval)


@dataclass(frozen=True)
class Scenario:
    """A named scenario.

    Attributes:
        name: Short identifier (also the cassette's file name).
        summary: One line saying what is checked.
        covers: The spec parts exercised: OpenAPI operation ids, AsyncAPI channel/messages.
        run: The scenario itself.
        needs_websocket: Whether it only makes sense with the websocket (cannot be recorded).
        needs_other_user: Whether it needs a second user's token.
        profile: The profile it belongs to (:mod:`conformance.profiles`).
        sections: The sections of the API reference it judges (``J7``, ``8.3``, ...).
    """

    name: str
    summary: str
    covers: tuple[str, ...]
    run: Callable[[ScenarioContext], None]
    needs_websocket: bool = False
    needs_other_user: bool = False
    profile: str = "core"
    sections: tuple[str, ...] = ()
