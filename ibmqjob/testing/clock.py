"""The virtual clock of recorded sessions: waits take no wall time in playback."""

from __future__ import annotations

import threading
import time

from ibmqjob.settings import TimeSource

__all__ = ["VirtualClock"]


class VirtualClock:
    """A monotonic clock that moves only when something waits through it.

    ``sleep`` advances it at once (no loop, no real wait in playback); a websocket read that
    waited advances it by the time the recording says it waited. Every decision the SDK bases
    on the clock (deadlines, poll intervals, periodic callbacks) is therefore the same in the
    recording and in the replay.

    Args:
        really_sleep: Whether ``sleep`` also waits for real (a recording needs the server to
            make progress; a replay does not).
    """

    def __init__(self, really_sleep: bool = False) -> None:
        self._now = 0.0
        self._really_sleep = really_sleep
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the virtual time, in seconds."""
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        """Wait: advance the clock (and, when recording, wait for real as well).

        Args:
            seconds: How long; a negative value counts as zero.
        """
        seconds = max(0.0, seconds)
        if self._really_sleep:
            time.sleep(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Account for time spent waiting elsewhere (a websocket read).

        Args:
            seconds: How long; a negative value counts as zero.
        """
        with self._lock:
            self._now += max(0.0, seconds)

    def time_source(self) -> TimeSource:
        """Return the SDK time source that reads and sleeps through this clock."""
        return TimeSource(sleep=self.sleep, clock=self.now)
