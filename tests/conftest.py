"""Fixtures shared by every test tier: reference servers running in threads.

* ``reference_server`` (session): one server for the whole run, no delays and no
  job limit. Tests sharing it must tag or name their jobs to tell them apart.
* ``server_factory``: starts servers with any ``ServerThread`` settings (delays,
  job limits, faults, a data directory) and stops them at the end of the test.
* ``demo_session`` / ``other_session``: raw HTTP sessions (``refserver.testing``)
  of the two demo users on the shared server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from refserver.runner import ServerThread
    from refserver.testing import ApiSession


@pytest.fixture(scope="session")
def reference_server() -> Iterator[ServerThread]:
    """A reference server shared by the whole test run (no delays, no job limit)."""
    from refserver.runner import ServerThread

    with ServerThread(step_delay=0.0, run_delay=0.0, job_limit=-1) as server:
        yield server


@pytest.fixture
def server_factory() -> Iterator[Callable[..., ServerThread]]:
    """Start reference servers with custom settings; all are stopped after the test."""
    from refserver.runner import ServerThread

    started: list[ServerThread] = []

    def start(**settings: Any) -> ServerThread:
        server = ServerThread(**settings).start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def demo_session(reference_server: ServerThread) -> Iterator[ApiSession]:
    """The demo user, logged in to the shared server, in ``ibm-q/open/main``."""
    from refserver.testing import ApiSession

    assert reference_server.demo_token is not None
    with ApiSession(reference_server.auth_url, reference_server.demo_token) as session:
        yield session


@pytest.fixture
def other_session(reference_server: ServerThread) -> Iterator[ApiSession]:
    """The other demo user, logged in to the shared server, in its own project."""
    from refserver.testing import ApiSession

    assert reference_server.other_token is not None
    project = ("ibm-q-other", "group0", "project0")
    with ApiSession(reference_server.auth_url, reference_server.other_token, project) as session:
        yield session
