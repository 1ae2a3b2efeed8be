"""Errors of recorded sessions."""

from __future__ import annotations

__all__ = ["CassetteLeakError", "NoRecordedAnswer"]


class NoRecordedAnswer(Exception):
    """A replayed session was asked something its recording does not answer.

    The SDK sent a request (or opened a websocket, or sent a frame) that the cassette does not
    hold: the code under test changed what it asks, or the cassette is out of date. Re-record
    it (``pytest --record-mode=rewrite``) if the change is intended.
    """


class CassetteLeakError(Exception):
    """A cassette still held secrets after scrubbing; it was deleted rather than kept."""
