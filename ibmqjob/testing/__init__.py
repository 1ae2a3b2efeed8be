"""Recorded sessions of the SDK for users' tests: record, scrub, replay offline.

The pytest plugin (:mod:`ibmqjob.testing.plugin`, registered by entry point) builds on
pytest-recording: mark a test ``@pytest.mark.vcr``, run ``pytest --record-mode=once``
against a server once, then replay with ``pytest --block-network``. Secrets are scrubbed in
code, the status websocket is recorded inside the cassette, waits take no time in replay.

``python -m ibmqjob.testing check DIR`` searches a folder of cassettes for secrets.

Names are imported on first use: the plugin is loaded by every pytest run of an environment
where ibmqjob is installed, and must not import vcrpy (an optional dependency, the
``testing`` extra) before a test asks for a cassette.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "VirtualClock": "clock",
    "CassetteLeakError": "errors",
    "NoRecordedAnswer": "errors",
    "Leak": "leaks",
    "find_leaks": "leaks",
    "leaks_in_folder": "leaks",
    "Scrubber": "scrub",
    "SessionRecorder": "session",
    "recorded_session": "session",
    "WebsocketTape": "websocket",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
