"""Replay of the recorded sessions: every scenario, offline, from its cassette.

The project's own cassettes are replayed the way a user replays theirs: with the
``ibmqjob.testing`` pytest plugin (``@pytest.mark.vcr``, record mode ``none``, the network
blocked). Any request the cassette does not hold fails with "no recorded answer", any real
socket fails, and waits take no time. The scenario must pass as it did when recorded, and must
make every request the cassette holds. Cassettes must hold no secret (the plugin's leak check),
and every recordable scenario must have one.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import qiskit

from conformance.record import recordable, replay_context
from conformance.recording import CASSETTE_DIR, MATCH_ON, cassette_path
from conformance.report import Verdict
from conformance.scenarios import SCENARIOS, run_scenario
from ibmqjob.testing import find_leaks

KNOWN_TOKENS = ["ibmqjob-demo-token", "ibmqjob-other-token"]
CASSETTES = sorted(CASSETTE_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTE_DIR)


_DEFAULTS = re.compile(r"GET \S+/devices/[^/]+/defaults")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    # Cassettes are written by scripts/record only: replay whatever --record-mode says.
    return {"match_on": MATCH_ON, "record_mode": "none"}


@pytest.mark.vcr
@pytest.mark.block_network
@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(scenario, id=scenario.name, marks=pytest.mark.default_cassette(scenario.name))
        for scenario in recordable()
    ],
)
def test_scenario_replays_from_its_cassette(scenario: Any, vcr: Any) -> None:
    started = time.monotonic()
    outcome = run_scenario(scenario, replay_context())
    assert outcome.verdict is Verdict.PASS, f"{outcome.reason}\n" + "\n".join(outcome.details)
    unplayed = [
        f"{request.method} {request.uri}"
        for index, request in enumerate(vcr.requests)
        if not vcr.play_counts[index]
    ]
    if not qiskit.__version__.startswith("0."):
        # The cassettes are recorded on qiskit 0.46, whose transpile() asks a BackendV1 device
        # for its pulse defaults; qiskit 1 and 2 transpile onto the Target and do not.
        unplayed = [line for line in unplayed if not _DEFAULTS.fullmatch(line)]
    assert not unplayed, (
        f"the replay made {vcr.play_count} of the {len(vcr)} recorded requests; not made: "
        + ", ".join(unplayed)
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
    # The scenarios' recordings predate websocket recording; the websocket scenarios are
    # covered live (integration tests).
    unrecorded = {s.name for s in SCENARIOS} - {s.name for s in recordable()}
    assert unrecorded == {s.name for s in SCENARIOS if s.needs_websocket}


@pytest.mark.parametrize("path", CASSETTES, ids=lambda path: path.stem)
def test_cassette_holds_no_secret(path: Path) -> None:
    leaks = find_leaks(path.read_text(encoding="utf-8"), KNOWN_TOKENS)
    assert not leaks, f"{path.name} holds secrets: " + "; ".join(map(str, leaks))
