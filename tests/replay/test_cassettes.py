"""Replay of the recorded sessions: every scenario, offline, from its cassette.

Each cassette in ``conformance/cassettes`` (written by ``scripts/record``) is replayed with
``record_mode="none"``: any request the cassette does not hold fails, any real socket fails,
and waits take no time. The scenario must pass as it did when recorded, and must make every
request the cassette holds. Cassettes must hold no secret, and every recordable scenario must
have one.
"""

from __future__ import annotations

import secrets
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from conformance.record import recordable, replay_context
from conformance.recording import (
    CASSETTE_DIR,
    REPLAY_ORIGIN,
    Scrubber,
    cassette_path,
    find_secrets,
    vcr_for,
)
from conformance.report import Verdict
from conformance.scenarios import SCENARIOS, run_scenario

KNOWN_TOKENS = ["ibmqjob-demo-token", "ibmqjob-other-token"]
CASSETTES = sorted(CASSETTE_DIR.glob("*.yaml"))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every attempt to open a real connection fail."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("a replay test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("scenario", recordable(), ids=lambda scenario: scenario.name)
def test_scenario_replays_from_its_cassette(scenario: Any, offline: None) -> None:
    path = cassette_path(scenario.name)
    assert path.exists(), f"no cassette for {scenario.name}: run scripts/record {scenario.name}"
    started = time.monotonic()
    with vcr_for("none", Scrubber([], REPLAY_ORIGIN)).use_cassette(str(path)) as cassette:
        outcome = run_scenario(scenario, replay_context())
    assert outcome.verdict is Verdict.PASS, f"{outcome.reason}\n" + "\n".join(outcome.details)
    assert cassette.all_played, (
        f"the replay made {cassette.play_count} of the {len(cassette)} recorded requests"
    )
    assert time.monotonic() - started < 10, "a replay must not wait"


def test_every_recordable_scenario_has_a_cassette() -> None:
    missing = [s.name for s in recordable() if not cassette_path(s.name).exists()]
    assert not missing, f"scenarios without a cassette (run scripts/record): {missing}"


def test_every_cassette_belongs_to_a_scenario() -> None:
    names = {scenario.name for scenario in recordable()}
    strays = [path.name for path in CASSETTES if path.stem not in names]
    assert not strays, f"cassettes of no recordable scenario: {strays}"


def test_only_websocket_scenarios_go_unrecorded() -> None:
    # vcrpy records HTTP; the websocket scenarios are covered live (integration tests).
    unrecorded = {s.name for s in SCENARIOS} - {s.name for s in recordable()}
    assert unrecorded == {s.name for s in SCENARIOS if s.needs_websocket}


@pytest.mark.parametrize("path", CASSETTES, ids=lambda path: path.stem)
def test_cassette_holds_no_secret(path: Path) -> None:
    leaks = find_secrets(path.read_text(encoding="utf-8"), KNOWN_TOKENS)
    assert not leaks, f"{path.name} holds secrets: {leaks}"


def test_secret_search_finds_tokens() -> None:
    access_token = secrets.token_urlsafe(48)
    text = f'{{"apiToken": "ibmqjob-demo-token", "id": "{access_token}"}}'
    assert find_secrets(text, KNOWN_TOKENS) == sorted(["ibmqjob-demo-token", access_token])
    harmless = "job 0f8fad5bd9cb469fa16570ab, qobj 0f8fad5b-d9cb-469f-a165-70867728950e"
    assert find_secrets(harmless, KNOWN_TOKENS) == []
