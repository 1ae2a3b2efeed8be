"""One recorded session: a vcrpy cassette, its scrubber, its websocket tape and its clock.

:class:`SessionRecorder` is what the pytest plugin attaches to each cassette of
pytest-recording, and what scripts use with a plain ``vcr.VCR`` (see
:func:`recorded_session`)::

    with recorded_session("cassettes/bell.yaml", record_mode="once"):
        provider = IBMQ.enable_account(token, url)
        ...

While it is active, accounts enabled with default settings wait on a virtual clock and open
their status websocket through the tape (:func:`ibmqjob.settings.session_defaults`). When
vcrpy saves the cassette, the saved file is searched for secrets; a cassette that holds one is
deleted and :class:`~ibmqjob.testing.errors.CassetteLeakError` raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import vcr
from vcr.cassette import Cassette
from vcr.errors import MissingMetadataError
from vcr.persisters.filesystem import CassetteNotFoundError, FilesystemPersister

from ibmqjob.settings import session_defaults

from .clock import VirtualClock
from .errors import CassetteLeakError
from .leaks import find_leaks
from .scrub import Scrubber
from .websocket import WebsocketTape

__all__ = ["WEBSOCKETS_KEY", "SessionRecorder", "recorded_session"]

WEBSOCKETS_KEY = "websockets"
# Known secrets shorter than this are only looked for where the API carries secrets.
_MIN_SEARCHED = 8


class SessionRecorder:
    """Scrubbing, websocket tape, virtual clock and leak check of one cassette.

    Args:
        scrubber: The scrubber (a default one learns every secret from the traffic).
        known_secrets: Values that must never be saved (e.g. the API token in use).
    """

    def __init__(self, scrubber: Scrubber | None = None, known_secrets: Iterable[str] = ()):
        self.scrubber = scrubber or Scrubber()
        self.known_secrets = [secret for secret in known_secrets if secret]

    def configure(self, recorder: vcr.VCR) -> None:
        """Install the scrubbing hooks and the leak-checking persister on a VCR.

        Hooks given to ``use_cassette`` itself (``vcr_config``) replace these: chain
        :attr:`scrubber`'s methods in them to keep the scrubbing.

        Args:
            recorder: The VCR, before ``use_cassette``.
        """
        recorder.before_record_request = self.scrubber.before_record_request
        recorder.before_record_response = self.scrubber.before_record_response
        # A gzip body would be stored as bytes the scrubber cannot read.
        recorder.decode_compressed_response = True
        recorder.register_persister(_LeakCheckingPersister(recorder.persister, self))

    @contextmanager
    def active(self, cassette: Cassette) -> Iterator[WebsocketTape]:
        """Make accounts enabled in the block use this session's clock and websocket tape.

        Args:
            cassette: The cassette in use (entered).

        Yields:
            The websocket tape.
        """
        replaying = bool(cassette.write_protected)
        rerecord = cassette.record_mode == "all"
        try:
            sessions: list[dict[str, Any]] = cassette.get_metadata(WEBSOCKETS_KEY, [])
        except MissingMetadataError:  # replay of a cassette without websocket sessions
            sessions = []
        if rerecord:
            sessions.clear()
        clock = VirtualClock(really_sleep=not replaying)
        tape = WebsocketTape(
            sessions, self.scrubber, clock, replay=not rerecord, record=not replaying
        )
        with session_defaults(time=clock.time_source(), websocket_connect=tape):
            yield tape

    def check(self, path: Path) -> None:
        """Search a saved cassette for secrets; delete it and raise if it holds any.

        Args:
            path: The cassette file.

        Raises:
            CassetteLeakError: If it held secrets.
        """
        known = [s for s in self.known_secrets + self.scrubber.secrets if len(s) >= _MIN_SEARCHED]
        leaks = find_leaks(path.read_text(encoding="utf-8"), known)
        if leaks:
            path.unlink(missing_ok=True)
            listed = "\n".join(f"  {leak}" for leak in leaks[:10])
            raise CassetteLeakError(
                f"{path} held {len(leaks)} secret(s) after scrubbing and was deleted:\n{listed}"
            )


class _LeakCheckingPersister:
    """A filesystem persister that keeps the cassette's metadata (the websocket sessions),
    loads pytest-recording's extra cassettes (``@pytest.mark.vcr("other.yaml")``) as its
    ``CombinedPersister`` does, and runs the leak check on every saved file."""

    def __init__(self, inner: Any, recorder: SessionRecorder) -> None:
        self._extra_paths = [str(path) for path in getattr(inner, "extra_paths", [])]
        self._recorder = recorder

    def load_cassette(self, cassette_path: str, serializer: ModuleType) -> Any:
        extras = [path for path in self._extra_paths if path != str(cassette_path)]
        try:
            requests, responses, *metadata = FilesystemPersister.load_cassette(
                cassette_path, serializer=serializer
            )
        except CassetteNotFoundError:
            if not extras:
                raise
            requests, responses, metadata = [], [], []
        for path in extras:
            try:
                more_requests, more_responses, *_ = FilesystemPersister.load_cassette(
                    path, serializer=serializer
                )
            except CassetteNotFoundError:
                continue
            requests, responses = requests + more_requests, responses + more_responses
        if not requests and not metadata:
            raise CassetteNotFoundError(f"No cassette at {cassette_path}.")
        return (requests, responses, *metadata)

    def save_cassette(
        self, cassette_path: str, cassette_dict: dict[str, Any], serializer: ModuleType
    ) -> None:
        FilesystemPersister.save_cassette(cassette_path, cassette_dict, serializer=serializer)
        self._recorder.check(Path(cassette_path))


@contextmanager
def recorded_session(
    path: str | Path,
    record_mode: str = "once",
    *,
    scrubber: Scrubber | None = None,
    known_secrets: Iterable[str] = (),
    **vcr_options: Any,
) -> Iterator[Cassette]:
    """Record or replay a session outside pytest (scripts).

    Args:
        path: The cassette file.
        record_mode: vcrpy's record mode (``once``, ``new_episodes``, ``none``, ``all``).
        scrubber: The scrubber; a default one if ``None``.
        known_secrets: Values that must never be saved.
        **vcr_options: Other options of ``vcr.VCR`` (``match_on``...).

    Yields:
        The vcrpy cassette.
    """
    recorder = SessionRecorder(scrubber, known_secrets)
    machine = vcr.VCR(record_mode=record_mode, **vcr_options)
    recorder.configure(machine)
    with machine.use_cassette(str(path)) as cassette, recorder.active(cassette):
        yield cassette
