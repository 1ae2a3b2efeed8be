"""pytest plugin: recorded sessions of the SDK on top of pytest-recording.

Registered by the ``pytest11`` entry point ``ibmqjob.testing.plugin`` (or ``-p
ibmqjob.testing.plugin``). A test opts in as with pytest-recording, with one line::

    @pytest.mark.vcr
    def test_bell():
        provider = IBMQ.enable_account(os.environ.get("QE_TOKEN", "replayed"), url=URL)
        ...

and the switches are pytest-recording's: ``--record-mode=once`` records missing cassettes,
``--record-mode=rewrite`` records them again, ``none`` (the default) only replays, and
``--block-network`` refuses every socket during replay. On top of pytest-recording, for each
marked test the plugin

* scrubs secrets in code (:class:`~ibmqjob.testing.scrub.Scrubber`) and checks the saved
  cassette for leaks (a leaking cassette is deleted and the test errors);
* swaps the SDK's time source for a virtual clock (waits take no time in replay);
* records and replays the status websocket inside the cassette
  (:class:`~ibmqjob.testing.websocket.WebsocketTape`);
* turns vcrpy's "can't overwrite existing cassette" into
  :class:`~ibmqjob.testing.errors.NoRecordedAnswer` ("no recorded answer for GET ...").
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .errors import NoRecordedAnswer

if TYPE_CHECKING:  # vcrpy is imported only by tests that use a cassette
    import vcr
    from vcr.errors import CannotOverwriteExistingCassetteException

    from .session import SessionRecorder
    from .websocket import WebsocketTape

__all__ = [
    "ibmqjob_session",
    "pytest_recording_configure",
    "pytest_runtest_call",
    "pytest_runtest_setup",
]

_RECORDER: pytest.StashKey[SessionRecorder] = pytest.StashKey()


@pytest.hookimpl(optionalhook=True)
def pytest_recording_configure(config: pytest.Config, vcr: vcr.VCR) -> None:
    """Attach a fresh :class:`SessionRecorder` to the VCR of the cassette being opened."""
    from .session import SessionRecorder

    recorder = SessionRecorder()
    recorder.configure(vcr)
    config.stash[_RECORDER] = recorder


@pytest.fixture(autouse=True)
def ibmqjob_session(request: pytest.FixtureRequest) -> Iterator[WebsocketTape | None]:
    """The recorded session of a test marked ``vcr`` (``None`` for other tests).

    Yields:
        The websocket tape of the test's cassette (``all_played`` tells whether every stored
        websocket session was replayed), or ``None``.
    """
    if request.node.get_closest_marker("vcr") is None:
        yield None
        return
    cassette = request.getfixturevalue("vcr")
    recorder = request.config.stash.get(_RECORDER, None)
    if cassette is None or recorder is None:  # --disable-recording
        yield None
        return
    with recorder.active(cassette) as tape:
        yield tape


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    """Say "no recorded answer for ..." when a fixture (a login) makes an unrecorded request."""
    return (yield from _explained())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """Say "no recorded answer for ..." when a replayed test makes an unrecorded request."""
    return (yield from _explained())


def _explained() -> Generator[None, Any, Any]:
    try:
        return (yield)
    except Exception as err:
        missing = _unrecorded(err)
        if missing is None:
            raise
        request = missing.failed_request
        mode = getattr(missing.cassette.record_mode, "value", missing.cassette.record_mode)
        raise NoRecordedAnswer(
            f"no recorded answer for {request.method} {request.uri} in cassette "
            f"{missing.cassette.path} (record mode {mode!r}). The code under test sent a "
            "request the recording does not hold; re-record with --record-mode=rewrite if "
            f"the change is intended.\n\nvcrpy: {missing}"
        ) from err


def _unrecorded(err: BaseException) -> CannotOverwriteExistingCassetteException | None:
    if "vcr" not in sys.modules:
        return None
    from vcr.errors import CannotOverwriteExistingCassetteException, MissingMetadataError

    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, CannotOverwriteExistingCassetteException) and not isinstance(
            current, MissingMetadataError
        ):
            return current
        current = current.__cause__ or current.__context__
    return None
