"""The legacy-client judgements fail on servers that break the contract.

Each case starts a reference server with one deliberate fault (``refserver.faults``), runs the
scenario that should expose it with the original client, and expects the same check that
passes in ``test_legacy_client`` to fail. Faults the original client tolerates (a websocket
closing with 1000, ``infoQueue`` outside QUEUED, 500 on malformed filters it never sends) are
left to the conformance suite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import legacy_checks as checks
import pytest

from refserver.runner import ServerThread

pytestmark = pytest.mark.legacy

SHOTS = 1024
LISTED = 21  # just over one page of 20, so the client has to page with its cursor


def _bell(report: Any) -> None:
    simulator = report.observations("account")["simulator"]
    checks.bell_counts(report.observations("bell"), SHOTS, simulator)


CASES: list[tuple[str, tuple[str, ...], Callable[[Any], None]]] = [
    ("missing_creation_date", ("account", "bell"), _bell),
    ("tags_not_echoed", ("update",), lambda r: checks.update_tags(r.observations("update"))),
    ("cross_user_access", ("isolation",), lambda r: checks.isolation(r.observations("isolation"))),
    (
        "paging_repeats",
        ("listing",),
        lambda r: checks.listing_pages(r.observations("listing"), LISTED),
    ),
]


@pytest.mark.parametrize(("fault", "scenarios", "check"), CASES, ids=[c[0] for c in CASES])
def test_judge_notices_a_faulty_server(
    legacy_runner: Any,
    fault: str,
    scenarios: tuple[str, ...],
    check: Callable[[Any], None],
) -> None:
    with ServerThread(job_limit=-1, faults=[fault]) as server:
        report = legacy_runner(
            server,
            scenarios,
            params={"other_token": server.other_token, "shots": SHOTS, "listing_jobs": LISTED},
            # With whole-second creation dates the client pages forever; stop it early.
            scenario_timeout=5,
        )
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        check(report)
