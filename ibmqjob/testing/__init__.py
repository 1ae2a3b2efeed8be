"""Recorded sessions of the SDK for users' tests: record, scrub, replay offline.

The pytest plugin (:mod:`ibmqjob.testing.plugin`, registered by entry point) builds on
pytest-recording: mark a test ``@pytest.mark.vcr``, run ``pytest --record-mode=once``
against a server once, then replay with ``pytest --block-network``. Secrets are scrubbed in
code, the status websocket is recorded inside the cassette, waits take no time in replay.

``python -m ibmqjob.testing check DIR`` searches a folder of cassettes for secrets.
"""

from __future__ import annotations

from .clock import VirtualClock
from .errors import CassetteLeakError, NoRecordedAnswer
from .leaks import Leak, find_leaks, leaks_in_folder
from .scrub import Scrubber
from .session import SessionRecorder, recorded_session
from .websocket import WebsocketTape

__all__ = [
    "CassetteLeakError",
    "Leak",
    "NoRecordedAnswer",
    "Scrubber",
    "SessionRecorder",
    "VirtualClock",
    "WebsocketTape",
    "find_leaks",
    "leaks_in_folder",
    "recorded_session",
]
