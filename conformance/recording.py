"""Recorded sessions (vcrpy cassettes) of the scenarios, made with ``ibmqjob.testing``.

The scenarios are recorded and replayed with the SDK's own recorded-session tools, as a user
of the SDK would record theirs: :class:`ibmqjob.testing.Scrubber` replaces every secret with a
stable placeholder (API tokens, access tokens, URL signatures, user ids and e-mail addresses),
and the leak check (:func:`ibmqjob.testing.find_leaks`) runs on every saved cassette. On top of
that, the server's origin (``http://127.0.0.1:<random port>``) becomes :data:`REPLAY_ORIGIN`,
so cassettes do not depend on the port a recording happened to get.

``tests/replay`` replays the cassettes through the pytest plugin (``@pytest.mark.vcr``);
``scripts/record`` writes them with :func:`record_cassette`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from vcr.cassette import Cassette

from ibmqjob.testing import Scrubber, recorded_session

__all__ = [
    "CASSETTE_DIR",
    "MATCH_ON",
    "REPLAY_ORIGIN",
    "cassette_path",
    "record_cassette",
    "scrubber_for",
]

CASSETTE_DIR = Path(__file__).resolve().parent / "cassettes"
REPLAY_ORIGIN = "http://127.0.0.1:8390"
MATCH_ON = ("method", "scheme", "host", "port", "path", "query")


def cassette_path(scenario: str, directory: Path | None = None) -> Path:
    """Return the cassette file of a scenario."""
    return (directory or CASSETTE_DIR) / f"{scenario}.yaml"


def scrubber_for(api_tokens: Sequence[str], origin: str) -> Scrubber:
    """The scrubber of a recording against a server at ``origin`` with these API tokens.

    Args:
        api_tokens: The API tokens the recording uses, numbered in this order.
        origin: The recorded server's origin, e.g. ``http://127.0.0.1:40123``.

    Returns:
        A scrubber that also rewrites ``origin`` to :data:`REPLAY_ORIGIN`.
    """
    return Scrubber(api_tokens, origins={origin.rstrip("/"): REPLAY_ORIGIN})


@contextmanager
def record_cassette(path: Path, api_tokens: Sequence[str], origin: str) -> Iterator[Cassette]:
    """Record a cassette from scratch; the leak check runs when it is saved.

    Args:
        path: The cassette file (replaced).
        api_tokens: The API tokens the recording uses.
        origin: The recorded server's origin.

    Yields:
        The vcrpy cassette.

    Raises:
        ibmqjob.testing.CassetteLeakError: If the saved cassette held a secret (it is deleted).
    """
    path.unlink(missing_ok=True)
    with recorded_session(
        path,
        "all",
        scrubber=scrubber_for(api_tokens, origin),
        known_secrets=api_tokens,
        match_on=MATCH_ON,
    ) as cassette:
        yield cassette
