"""Record every scenario against a fresh reference server, one cassette per scenario.

Run by ``scripts/record``. The sessions are recorded the way they are replayed: websocket off
(vcrpy records HTTP only, so the SDK polls), a :class:`~conformance.scenarios.base.VirtualClock`
(so waits make the same requests in replay), a fixed run id (so listing filters match), and
every secret scrubbed by ``ibmqjob.testing`` (:mod:`conformance.recording`), and the leak
check run on every saved cassette. A scenario that does not pass leaves no cassette and fails
the recording.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from ibmqjob.testing import CassetteLeakError

from .recording import CASSETTE_DIR, REPLAY_ORIGIN, cassette_path, record_cassette
from .report import Outcome, Verdict, format_table
from .scenarios import SCENARIOS, Scenario, ScenarioContext, run_scenario
from .scenarios.base import VirtualClock
from .specs import load_asyncapi, load_openapi

__all__ = [
    "RECORD_RUN_ID",
    "REPLAY_TOKENS",
    "limited_users",
    "main",
    "recordable",
    "replay_context",
]

RECORD_RUN_ID = "rec"
REPLAY_TOKENS = ("API_TOKEN_1", "API_TOKEN_2")
# Short waits: jobs spend this long in each of VALIDATING, VALIDATED and QUEUED, enough for the
# queue and cancel scenarios to see them QUEUED, and polls are this far apart.
STEP_DELAY = 0.15
POLL_INTERVAL = 0.1


def recordable() -> list[Scenario]:
    """The scenarios that can be recorded (the websocket is not HTTP: vcrpy cannot hold it)."""
    return [scenario for scenario in SCENARIOS if not scenario.needs_websocket]


def limited_users(path: Path) -> Path:
    """Write a users file: the bundled users, the demo user's second project limited to 2 jobs.

    The job limit scenario needs a project with a small limit; every other scenario works in
    the default project, which has none.

    Args:
        path: The file to write.

    Returns:
        ``path``.
    """
    users = {
        "users": [
            {
                "id": "demo",
                "email": "demo@example.org",
                "api_tokens": ["ibmqjob-demo-token"],
                "projects": [
                    {"hub": "ibm-q", "group": "open", "project": "main", "default": True},
                    {"hub": "ibm-q", "group": "open", "project": "secondary", "job_limit": 2},
                ],
            },
            {
                "id": "other",
                "email": "other@example.org",
                "api_tokens": ["ibmqjob-other-token"],
                "projects": [
                    {
                        "hub": "ibm-q-other",
                        "group": "group0",
                        "project": "project0",
                        "default": True,
                    }
                ],
            },
        ]
    }
    path.write_text(yaml.safe_dump(users, sort_keys=False), encoding="utf-8")
    return path


def _context(url: str, token: str, other_token: str | None, really_sleep: bool) -> ScenarioContext:
    clock = VirtualClock(really_sleep=really_sleep)
    return ScenarioContext(
        url=url,
        token=token,
        other_token=other_token,
        openapi=load_openapi(),
        asyncapi=load_asyncapi(),
        run_id=RECORD_RUN_ID,
        websocket=False,
        sleep=clock.sleep,
        clock=clock,
        poll_interval=POLL_INTERVAL,
        timeout=60.0,
    )


def replay_context() -> ScenarioContext:
    """The context a cassette is replayed with: placeholder tokens, no waiting at all."""
    return _context(REPLAY_ORIGIN + "/api", REPLAY_TOKENS[0], REPLAY_TOKENS[1], False)


def record_scenario(
    scenario: Scenario, url: str, tokens: tuple[str, str], directory: Path
) -> Outcome:
    """Record one scenario into its cassette (removed again if the scenario does not pass).

    Args:
        scenario: The scenario.
        url: The reference server's API base.
        tokens: The demo and other users' API tokens.
        directory: Where cassettes go.

    Returns:
        The scenario's outcome.
    """
    path = cassette_path(scenario.name, directory)
    try:
        with record_cassette(path, tokens, url.removesuffix("/api")):
            outcome = run_scenario(scenario, _context(url, tokens[0], tokens[1], True))
    except CassetteLeakError as err:  # the cassette was deleted
        reason = f"the cassette held secrets after scrubbing: {err}"
        return Outcome("scenario", scenario.name, Verdict.FAIL, reason, scenario.covers)
    if outcome.verdict is not Verdict.PASS:
        path.unlink(missing_ok=True)
    return outcome


def record(names: Sequence[str] | None, directory: Path, data_dir: Path) -> list[Outcome]:
    """Start a reference server and record the scenarios.

    Args:
        names: Scenarios to record; every recordable one when ``None``.
        directory: Where cassettes go.
        data_dir: The server's (empty) data directory.

    Returns:
        One outcome per scenario.
    """
    from refserver.runner import ServerThread  # the server is only needed to record

    chosen = [s for s in recordable() if names is None or s.name in names]
    directory.mkdir(parents=True, exist_ok=True)
    users = limited_users(data_dir / "users.yaml")
    with ServerThread(
        data_dir=data_dir / "server", users_file=users, step_delay=STEP_DELAY, job_limit=-1
    ) as server:
        assert server.demo_token and server.other_token
        tokens = (server.demo_token, server.other_token)
        return [record_scenario(s, server.auth_url, tokens, directory) for s in chosen]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``scripts/record``."""
    parser = argparse.ArgumentParser(prog="scripts/record", description=__doc__)
    parser.add_argument("scenarios", nargs="*", help="scenarios to record (default: all)")
    parser.add_argument("--cassettes", type=Path, default=CASSETTE_DIR, help="cassette folder")
    parser.add_argument("--data-dir", type=Path, required=True, help="an empty scratch folder")
    args = parser.parse_args(argv)
    known = {scenario.name for scenario in recordable()}
    unknown = sorted(set(args.scenarios) - known)
    if unknown:
        parser.error(f"not recordable scenarios {unknown}; recordable: {', '.join(sorted(known))}")
    outcomes = record(args.scenarios or None, args.cassettes, args.data_dir)
    print(format_table(outcomes))
    for outcome in outcomes:
        if outcome.verdict is not Verdict.PASS:
            print(f"\n== {outcome.name}: {outcome.reason}\n" + "\n".join(outcome.details))
    return 0 if all(o.verdict is Verdict.PASS for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
