"""Fixtures shared by every test tier: reference servers running in threads.

* ``reference_server`` (session): one server for the whole run, no delays and no
  job limit. Tests sharing it must tag or name their jobs to tell them apart.
* ``server_factory``: starts servers with any ``ServerThread`` settings (delays,
  job limits, faults, a data directory) and stops them at the end of the test.
* ``demo_session`` / ``other_session``: raw HTTP sessions (``refserver.testing``)
  of the two demo users on the shared server.

Every reference server a test starts (through these fixtures, ``ServerThread`` or the CLI's
embedded server) answers through :class:`conformance.specguard.SpecGuard` unless it runs with
deliberate faults: a response that ``spec/openapi.yaml`` does not allow, or a request of the
SDK that it does not describe, fails the test that caused it (``spec_violations`` holds the
findings). The guard is installed only in runs that
hold integration tests or use a server fixture, so unit-only runs do not import the server.

A test run leaves nothing in the system's temporary folder: the run (and every process it
starts, through ``TMPDIR``) uses a private one, ``ibmqjob-tests-*``, removed at the end.
What a test left there is listed in the summary, so that it can be fixed; pytest's own
``tmp_path`` folders stay where pytest keeps them (its last runs, for inspection).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from refserver.runner import ServerThread
    from refserver.testing import ApiSession


SERVER_FIXTURES = frozenset({"reference_server", "server_factory", "demo_session", "other_session"})
INTEGRATION = Path(__file__).resolve().parent / "integration"
# Violations reported by guarded servers (appended from their threads; list.append is atomic).
_VIOLATIONS: list[str] = []


_TEMP_KEY = pytest.StashKey[tuple[Path, str | None, str | None]]()


@pytest.hookimpl(trylast=True)  # after pytest's tmp_path factory is configured
def pytest_configure(config: pytest.Config) -> None:
    """Give the run its own temporary folder (see the module docstring)."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        factory.getbasetemp()  # tmp_path folders: in the system's folder, as usual
    folder = Path(tempfile.mkdtemp(prefix="ibmqjob-tests-"))
    config.stash[_TEMP_KEY] = (folder, os.environ.get("TMPDIR"), tempfile.tempdir)
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """List what the run left in its temporary folder."""
    if _TEMP_KEY not in config.stash:
        return
    left = sorted(path.name for path in config.stash[_TEMP_KEY][0].iterdir())
    if left:
        terminalreporter.write_sep("=", "left in the temporary folder (removed now)", yellow=True)
        terminalreporter.write_line(", ".join(left))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's temporary folder and restore the system's."""
    if _TEMP_KEY not in config.stash:
        return
    folder, tmpdir, tempdir = config.stash[_TEMP_KEY]
    if tmpdir is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = tmpdir
    tempfile.tempdir = tempdir
    shutil.rmtree(folder, ignore_errors=True)


def _needs_servers(session: pytest.Session) -> bool:
    return any(
        INTEGRATION in item.path.parents or SERVER_FIXTURES & set(getattr(item, "fixturenames", ()))
        for item in session.items
    )


@pytest.fixture(scope="session", autouse=True)
def _spec_guard(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Make every reference server of the run answer through the spec guard."""
    if not _needs_servers(request.session):
        yield False
        return
    import yaml

    import refserver.runner
    from conformance.specguard import SpecContract, SpecGuard
    from conformance.specs import default_spec_dir
    from refserver.app import build_app

    text = (default_spec_dir() / "openapi.yaml").read_text(encoding="utf-8")
    contract = SpecContract(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))

    def guarded_build_app(config: Any) -> Any:
        app = build_app(config)
        if not config.faults:
            app.add_middleware(
                SpecGuard,
                contract=contract,
                report=_VIOLATIONS.append,
                client_marker=(b"x-qx-client-application", b"ibmqjob/"),
            )
        return app

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(refserver.runner, "build_app", guarded_build_app)
        yield True


@pytest.fixture
def spec_violations() -> list[str]:
    """The spec guard's findings so far (a test that causes some on purpose clears them)."""
    return _VIOLATIONS


@pytest.fixture(autouse=True)
def _responses_follow_the_spec(_spec_guard: bool) -> Iterator[None]:
    start = len(_VIOLATIONS)
    yield
    found = _VIOLATIONS[start:]
    if found:
        del _VIOLATIONS[start:]
        shown = "\n  ".join(found[:10])
        pytest.fail(f"the reference server answered outside spec/openapi.yaml:\n  {shown}")


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
