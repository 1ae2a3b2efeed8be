"""Client of the job status websocket (``{ws}/jobs/{id}/status/v/1``).

Protocol (AsyncAPI document ``spec/asyncapi.yaml``): on open the client sends
``{"type": "authentication", "data": <access token>}``; the server answers
``{"type": "authenticated"}``, then sends ``{"type": "job-status", "data": {"status": ...,
"infoQueue"?: {...}}}`` frames. After a final status the server closes with code 4002.

Close codes: 4001 (server error) and abnormal closes are retried after
:meth:`WebsocketPolicy.backoff <ibmqjob.settings.WebsocketPolicy.backoff>`, at most
``retries`` times in a row (a status frame resets the count); 4002 and 1000 end the stream
normally; 4003 means the job does not exist. A failure to connect or to authenticate is not
retried: the caller falls back to polling. The deadline is honoured while connecting,
authenticating, reading and backing off. The access token is never logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Generator
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from ..exceptions import (
    ApiIBMQProtocolError,
    WebsocketAuthenticationError,
    WebsocketError,
    WebsocketIBMQProtocolError,
    WebsocketRetryableError,
    WebsocketTimeoutError,
    redact,
)
from ..settings import WebsocketConnection, WebsocketPolicy
from .codec import loads
from .records import StatusRecord, WebsocketTarget

__all__ = ["StatusWebsocket"]

logger = logging.getLogger(__name__)
_wire_logger = logging.getLogger(__name__ + ".wire")

CLOSE_NORMAL = 1000
CLOSE_SERVER_ERROR = 4001
CLOSE_JOB_DONE = 4002
CLOSE_JOB_NOT_FOUND = 4003

_DEFAULT_POLICY = WebsocketPolicy()


class _Closed(Exception):
    """The session ended normally (close code 1000 or 4002)."""


class StatusWebsocket:
    """A :class:`~ibmqjob._wait.StatusStream` over the job status websocket."""

    def __init__(
        self,
        target: WebsocketTarget,
        job_id: str,
        policy: WebsocketPolicy = _DEFAULT_POLICY,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Prepare the stream; nothing is opened before it is called.

        Args:
            target: Websocket URL and access token.
            job_id: The job, for messages.
            policy: The tunables.
            sleep: Sleeps for a number of seconds (between reconnections).
            clock: Monotonic clock, in seconds (the same clock as the deadline).
        """
        self._target = target
        self._job_id = job_id
        self._policy = policy
        self._sleep = sleep
        self._clock = clock

    def __call__(
        self, deadline: float | None, tick: float | None
    ) -> Generator[StatusRecord | None, None, None]:
        """Stream status records until the server closes, yielding ``None`` every ``tick`` s.

        Args:
            deadline: Monotonic time at which to give up, ``None`` for none.
            tick: Longest time to block without yielding, ``None`` to block until a frame.

        Yields:
            Status records, and ``None`` when ``tick`` elapsed without a frame.

        Raises:
            WebsocketTimeoutError: At the deadline.
            WebsocketError: If the websocket cannot be used (the caller polls instead).
        """
        failures = 0
        while True:
            try:
                with contextlib.closing(self._session(deadline, tick)) as session:
                    for record in session:
                        if record is not None:
                            failures = 0
                        yield record
                return
            except _Closed:
                return
            except WebsocketRetryableError as err:
                failures += 1
                self._back_off(failures, err, deadline)

    def _back_off(
        self, failures: int, err: WebsocketRetryableError, deadline: float | None
    ) -> None:
        if failures > self._policy.retries:
            raise WebsocketError(
                "Max retries exceeded: Failed to establish a websocket connection. "
                f"Last error: {err.message}"
            ) from err
        delay = self._policy.backoff(failures - 1)
        if deadline is not None and self._clock() + delay >= deadline:
            raise WebsocketError(
                f"Not enough time left to reconnect the websocket: {err.message}"
            ) from err
        logger.info(
            "Status websocket of job %s failed (%s); reconnecting in %.1f s (attempt %d of %d).",
            self._job_id,
            err.message,
            delay,
            failures,
            self._policy.retries,
        )
        self._sleep(delay)

    def _session(
        self, deadline: float | None, tick: float | None
    ) -> Generator[StatusRecord | None, None, None]:
        ws = self._open(deadline)
        try:
            self._authenticate(ws, deadline)
            while True:
                frame = self._read(ws, deadline, tick)
                if frame is None:
                    yield None
                    continue
                yield self._decode(frame)
        except GeneratorExit:
            # The reader has what it waited for: the closing handshake need not delay it.
            if self._target.defer is None:
                ws.close()
            else:
                self._target.defer(
                    f"close the status websocket of job {self._job_id}", lambda: _close_quietly(ws)
                )
            raise
        except BaseException:
            ws.close()
            raise

    def _open(self, deadline: float | None) -> WebsocketConnection:
        timeout = self._policy.open_timeout
        if deadline is not None:
            timeout = min(timeout, deadline - self._clock())
            if timeout <= 0:
                raise WebsocketTimeoutError(f"Timeout while waiting for job {self._job_id}.")
        try:
            return self._policy.connect(
                self._target.url,
                open_timeout=timeout,
                ping_interval=self._policy.ping_interval,
                ping_timeout=self._policy.ping_timeout,
                close_timeout=min(timeout, self._policy.close_timeout),
                proxy=self._target.proxy,
                compression=None,
                logger=_RedactingLogger(_wire_logger, self._target.access_token),
            )
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as err:
            # Not retried, as in the original client: a server without a usable websocket
            # is served by polling, without first spending the backoff budget.
            raise WebsocketAuthenticationError(
                f"Failed to open the status websocket of job {self._job_id}: {err}"
            ) from err

    def _authenticate(self, ws: WebsocketConnection, deadline: float | None) -> None:
        wait = _min(_remaining(deadline, self._clock), self._policy.open_timeout)
        try:
            ws.send(json.dumps({"type": "authentication", "data": self._target.access_token}))
            raw = self._recv(ws, wait)
        except TimeoutError as err:
            raise self._timeout_or(deadline, "no answer to the authentication") from err
        except ConnectionClosed as err:
            if _close_code(err) == CLOSE_JOB_NOT_FOUND:
                raise self._not_found() from err
            raise WebsocketAuthenticationError(
                "Failed to authenticate against the server: the connection was closed "
                f"({_close_code(err)})."
            ) from err
        try:
            message = _parse_json(raw)
        except WebsocketIBMQProtocolError as err:
            raise WebsocketAuthenticationError(
                f"Failed to authenticate against the server: unexpected answer {raw!r:.200}"
            ) from err
        if not isinstance(message, dict) or message.get("type") != "authenticated":
            raise WebsocketAuthenticationError(
                f"Failed to authenticate against the server: unexpected answer {raw!r:.200}"
            )

    def _read(self, ws: WebsocketConnection, deadline: float | None, tick: float | None) -> Any:
        remaining = _remaining(deadline, self._clock)
        wait = remaining if tick is None else _min(remaining, max(tick, self._policy.min_tick))
        try:
            return self._recv(ws, wait)
        except TimeoutError:
            if deadline is not None and self._clock() >= deadline:
                raise WebsocketTimeoutError(
                    f"Timeout while waiting for job {self._job_id}."
                ) from None
            return None
        except ConnectionClosed as err:
            raise self._closed(err) from err

    def _recv(self, ws: WebsocketConnection, timeout: float | None) -> str | bytes:
        if timeout is not None and timeout <= 0:
            raise TimeoutError
        return ws.recv(timeout=timeout)

    def _decode(self, raw: str | bytes) -> StatusRecord:
        # A bad frame is retried on a new connection, as the original client did.
        try:
            message = _parse_json(raw)
        except WebsocketIBMQProtocolError as err:
            raise WebsocketRetryableError(err.message) from err
        if not isinstance(message, dict):
            raise WebsocketRetryableError(f"Invalid websocket frame received: {raw!r:.200}")
        try:
            return StatusRecord.from_wire(message.get("data"))
        except ApiIBMQProtocolError as err:
            raise WebsocketRetryableError(
                f"Invalid job status frame received: {raw!r:.200}"
            ) from err

    def _closed(self, err: ConnectionClosed) -> Exception:
        code = _close_code(err)
        if code in (CLOSE_NORMAL, CLOSE_JOB_DONE):
            return _Closed()
        if code == CLOSE_JOB_NOT_FOUND:
            return self._not_found()
        reason = err.rcvd.reason if err.rcvd is not None and err.rcvd.reason else "no reason"
        return WebsocketRetryableError(
            f"The status websocket closed unexpectedly (code {code}: {reason})."
        )

    def _not_found(self) -> WebsocketError:
        return WebsocketError(f"Connection with websocket closed. Job ID {self._job_id} not found.")

    def _timeout_or(self, deadline: float | None, what: str) -> WebsocketError:
        if deadline is not None and self._clock() >= deadline:
            return WebsocketTimeoutError(f"Timeout while waiting for job {self._job_id}.")
        return WebsocketAuthenticationError(f"Failed to authenticate against the server: {what}.")


class _RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Logger for the websockets library: its debug log shows frames, token included."""

    def __init__(self, logger: logging.Logger, secret: str) -> None:
        super().__init__(logger, {})
        self._secret = secret

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if not self.isEnabledFor(level):
            return
        text = str(msg) % args if args else str(msg)
        kwargs.setdefault("stacklevel", 2)
        self.logger.log(level, "%s", redact(text, [self._secret]), **kwargs)


def _parse_json(raw: str | bytes) -> Any:
    try:
        return loads(raw)
    except ValueError as err:
        raise WebsocketIBMQProtocolError(f"Invalid websocket frame received: {raw!r:.200}") from err


def _close_quietly(ws: WebsocketConnection) -> None:
    """Close a websocket whose reader is done with it; a failure only ends it sooner."""
    try:
        ws.close()
    except Exception as err:  # the connection is dropped either way
        logger.debug("Closing a finished status websocket failed: %s", err)


def _close_code(err: ConnectionClosed) -> int:
    return err.rcvd.code if err.rcvd is not None else 1006


def _remaining(deadline: float | None, clock: Callable[[], float]) -> float | None:
    return None if deadline is None else deadline - clock()


def _min(a: float | None, b: float) -> float:
    return b if a is None else min(a, b)
