"""The status websocket in recorded sessions: frames recorded in order, and replayed.

vcrpy records HTTP only. A :class:`WebsocketTape` is the websocket connect function of an
account (:func:`ibmqjob.settings.session_defaults`): when recording it opens the real
websocket and notes every event of the connection in order (frames sent and received, how
long each read waited, read timeouts, the close code, a refused connection); when replaying it
opens no socket and plays the events back, advancing the virtual clock by the waits. The
sessions are stored in the cassette itself (vcrpy metadata ``websockets``)::

    websockets:
    - url: ws://127.0.0.1:8390/ws/jobs/<id>/status/v/1
      events:
      - send: '{"type":"authentication","data":"ACCESS_TOKEN_1"}'
      - recv: '{"type":"authenticated"}'
        after: 0.002
      - recv: '{"type":"job-status","data":{"status":"RUNNING"}}'
        after: 1.5
      - close: 4002
        reason: ''
        after: 0.01
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from websockets.exceptions import (
    ConnectionClosed,
    ConnectionClosedError,
    ConnectionClosedOK,
    InvalidHandshake,
    InvalidURI,
)
from websockets.frames import Close
from websockets.sync.client import connect as websockets_connect

from ibmqjob.settings import WebsocketConnection

from .clock import VirtualClock
from .errors import NoRecordedAnswer
from .scrub import Scrubber

__all__ = ["WebsocketTape"]

Event = dict[str, Any]
Session = dict[str, Any]


class WebsocketTape:
    """The websocket sessions of one cassette, replayed in order and/or recorded.

    Args:
        sessions: The sessions stored in the cassette; recorded sessions are appended to
            this very list (the cassette's metadata), so vcrpy saves them with it.
        scrubber: Scrubs URLs and frames as they are recorded (and matched).
        clock: The virtual clock the SDK waits on.
        replay: Whether stored sessions are played back.
        record: Whether connections no stored session answers are opened and recorded.
        connect: Opens a real websocket (when recording).
    """

    def __init__(
        self,
        sessions: list[Session],
        scrubber: Scrubber,
        clock: VirtualClock,
        *,
        replay: bool,
        record: bool,
        connect: Callable[..., WebsocketConnection] = websockets_connect,
    ) -> None:
        self.sessions = sessions
        self._stored = list(sessions) if replay else []
        self._played: set[int] = set()
        self._scrubber = scrubber
        self._clock = clock
        self._record = record
        self._connect = connect

    @property
    def all_played(self) -> bool:
        """Return whether every stored session was replayed."""
        return len(self._played) == len(self._stored)

    def __call__(self, url: str, **options: Any) -> WebsocketConnection:
        """Open a websocket: the next stored session to this URL, else a recorded live one.

        Args:
            url: The websocket URL.
            **options: Options of ``websockets.sync.client.connect``.

        Returns:
            The connection.

        Raises:
            NoRecordedAnswer: If nothing stored answers and recording is not allowed.
            OSError: If the recording says the connection was refused (or it is now).
        """
        key = self._scrubber.text(url)
        for index, session in enumerate(self._stored):
            if index not in self._played and session.get("url") == key:
                self._played.add(index)
                return _ReplayedConnection(session, self._scrubber, self._clock)
        if not self._record:
            stored = sum(session.get("url") == key for session in self._stored)
            raise NoRecordedAnswer(
                f"no recorded answer for websocket {key}: the cassette holds {stored} "
                "connection(s) to it and all were replayed already. Re-record the cassette "
                "if the code under test changed."
            )
        events: list[Event] = []
        self.sessions.append({"url": key, "events": events})
        try:
            real = self._connect(url, **options)
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as err:
            events.append({"refused": self._scrubber.text(str(err))})
            raise
        return _RecordingConnection(real, events, self._scrubber, self._clock)


class _RecordingConnection:
    """A live connection that notes what happens on it."""

    def __init__(
        self,
        real: WebsocketConnection,
        events: list[Event],
        scrubber: Scrubber,
        clock: VirtualClock,
    ) -> None:
        self._real = real
        self._events = events
        self._scrubber = scrubber
        self._clock = clock

    def send(self, message: str) -> None:
        self._events.append({"send": self._scrubber.websocket_frame(message)})
        self._real.send(message)

    def recv(self, timeout: float | None = None) -> str | bytes:
        started = time.monotonic()
        try:
            frame = self._real.recv(timeout=timeout)
        except TimeoutError:
            self._waited({"timeout": True}, started)
            raise
        except ConnectionClosed as err:
            code = err.rcvd.code if err.rcvd is not None else None
            reason = err.rcvd.reason if err.rcvd is not None else ""
            self._waited({"close": code, "reason": reason}, started)
            raise
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        self._waited({"recv": self._scrubber.websocket_frame(text)}, started)
        return frame

    def _waited(self, event: Event, started: float) -> None:
        elapsed = round(time.monotonic() - started, 3)
        self._clock.advance(elapsed)
        self._events.append({**event, "after": elapsed})

    def close(self) -> None:
        self._real.close()

    def __enter__(self) -> Self:
        # The real connection is entered too: websockets warns about connections used
        # without their context manager.
        self._real.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._real.__exit__(exc_type, exc, traceback)


class _ReplayedConnection:
    """A connection that plays a stored session back; it touches no socket."""

    def __init__(self, session: Session, scrubber: Scrubber, clock: VirtualClock) -> None:
        self._url = str(session.get("url"))
        self._events = [dict(event) for event in session.get("events") or []]
        self._scrubber = scrubber
        self._clock = clock
        if self._events and "refused" in self._events[0]:
            raise OSError(self._events[0]["refused"])

    def send(self, message: str) -> None:
        event = self._next(f"the message {self._scrubber.websocket_frame(message)}")
        sent = self._scrubber.websocket_frame(message)
        if event.get("send") != sent:
            raise NoRecordedAnswer(
                f"no recorded answer for websocket message {sent} on {self._url}: the "
                f"recording has {_describe(event)} at this point."
            )
        self._events.pop(0)

    def recv(self, timeout: float | None = None) -> str | bytes:
        event = self._next("a read")
        if "send" in event:
            raise NoRecordedAnswer(
                f"no recorded answer for a websocket read on {self._url}: the recording "
                f"sends {event['send']} at this point."
            )
        after = float(event.get("after") or 0.0)
        if timeout is not None and after > timeout and "timeout" not in event:
            # The caller waits less than the recording did: it times out first.
            self._clock.advance(timeout)
            event["after"] = after - timeout
            raise TimeoutError
        self._clock.advance(after)
        self._events.pop(0)
        if "timeout" in event:
            raise TimeoutError
        if "close" in event:
            code = event["close"]
            rcvd = None if code is None else Close(int(code), str(event.get("reason") or ""))
            closed = ConnectionClosedOK if code in (1000, 1001) else ConnectionClosedError
            raise closed(rcvd, None)
        return str(event["recv"])

    def _next(self, what: str) -> Event:
        if not self._events:
            raise NoRecordedAnswer(
                f"no recorded answer for {what} on websocket {self._url}: the recorded "
                "session ends before."
            )
        return self._events[0]

    def close(self) -> None:
        self._events.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _describe(event: Event) -> str:
    if "send" in event:
        return f"the message {event['send']}"
    if "recv" in event:
        return f"the frame {event['recv']} from the server"
    return "the end of the connection"
