"""The original client against a reference server that advances jobs slowly.

With a step delay, jobs stay QUEUED behind each other long enough for the client to read its
queue position, cancel a queued job and see non-final statuses in a callback. The job-limit
scenario runs on a second server with a low limit of concurrent jobs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import legacy_checks as checks
import pytest

from refserver.runner import ServerThread

pytestmark = pytest.mark.legacy

# Validation takes 2 steps, a job stays QUEUED at least one step and RUNNING at least RUN_DELAY,
# and each backend runs one job at a time: a job submitted behind two others stays QUEUED for
# a few seconds.
STEP_DELAY = 0.2
RUN_DELAY = 1.5
SLOW_SCENARIOS = ("queue_cancel", "wait_callback")
JOB_LIMIT = 2


@pytest.fixture(scope="module")
def slow(legacy_runner: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Run the queue and callback scenarios on a server with a step delay."""
    data_dir: Path = tmp_path_factory.mktemp("legacy-slow")
    with ServerThread(
        data_dir=data_dir, step_delay=STEP_DELAY, run_delay=RUN_DELAY, job_limit=-1
    ) as server:
        return legacy_runner(server, SLOW_SCENARIOS, params={"timeout": 60})


@pytest.fixture(scope="module")
def limited(legacy_runner: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Run the job-limit scenario on a slow server that allows few concurrent jobs."""
    data_dir: Path = tmp_path_factory.mktemp("legacy-limited")
    with ServerThread(
        data_dir=data_dir, step_delay=STEP_DELAY, run_delay=RUN_DELAY, job_limit=JOB_LIMIT
    ) as server:
        return legacy_runner(server, ["job_limit"], params={"timeout": 60})


def test_queue_position_of_a_queued_job(slow: Any) -> None:
    obs = slow.observations("queue_cancel")
    assert obs["target_statuses"][-1] == "QUEUED", obs["target_statuses"]
    position = obs["queue_position"]
    assert isinstance(position, int) and position >= 1, position
    assert obs["queue_position_cached"] == position
    info = obs["queue_info"]
    assert info is not None
    assert info["position"] == position
    assert info["status"] == "PENDING_IN_QUEUE"
    assert f"queue position: {position}" in info["format"]
    assert obs["backend_pending_jobs"] >= 1


def test_cancel_a_queued_job(slow: Any) -> None:
    obs = slow.observations("queue_cancel")
    assert obs["cancel"] == {"raised": False, "value": True}
    assert obs["statuses_after_cancel"][-1] == "CANCELLED"
    assert obs["queue_position_after_cancel"] is None
    assert "cancelled" in checks.raised(obs["result_after_cancel"], "IBMQJobInvalidStateError")
    assert obs["error_message_after_cancel"] is None
    assert obs["retrieved_status"] == "CANCELLED"
    assert obs["listed_cancelled"] == [obs["target_id"]]
    assert obs["blocker_statuses"] == ["DONE"] * len(obs["blocker_statuses"])


def test_cancel_a_finished_job_leaves_it_done(slow: Any) -> None:
    obs = slow.observations("queue_cancel")
    outcome = obs["cancel_finished_job"]
    # The server decides; the client reports False (not cancelled) or raises IBMQJobApiError.
    assert outcome in ({"raised": False, "value": False},) or "IBMQJobApiError" in outcome.get(
        "mro", []
    ), outcome
    assert obs["finished_job_status_after_cancel"] == "DONE"


def test_wait_for_final_state_callback_gets_non_final_statuses(slow: Any) -> None:
    obs = slow.observations("wait_callback")
    assert obs["on_change_final"] == "DONE"
    calls = obs["on_change_calls"]
    assert calls, "the callback was never called"
    assert all(c["job_id_matches"] and c["job_is_same"] for c in calls)
    statuses = [c["status"] for c in calls]
    assert not {"DONE", "CANCELLED", "ERROR"} & set(statuses), statuses
    assert set(statuses) <= {"INITIALIZING", "VALIDATING", "QUEUED", "RUNNING"}, statuses
    for call in calls:
        if call["queue_info"] is not None:
            assert call["status"] == "QUEUED", call


def test_wait_for_final_state_callback_every_wait_seconds(slow: Any) -> None:
    obs = slow.observations("wait_callback")
    assert obs["periodic_final"] == "DONE"
    assert obs["periodic_calls"], "the periodic callback was never called"
    assert not {"DONE", "CANCELLED", "ERROR"} & set(obs["periodic_calls"])


def test_callback_waits_use_the_websocket(slow: Any) -> None:
    fallbacks = [r for r in slow.logs("wait_callback") if "retrying using HTTP" in r["message"]]
    assert not fallbacks, fallbacks


def test_job_limit_reported_and_enforced(limited: Any) -> None:
    obs = limited.observations("job_limit")
    assert obs["limit"] == {"maximum_jobs": JOB_LIMIT, "active_jobs": 0}
    assert obs["remaining"] == JOB_LIMIT
    assert obs["filled"] is True
    *accepted, refused = obs["attempts"]
    assert [a["raised"] for a in accepted] == [False] * JOB_LIMIT
    message = checks.raised(refused, "IBMQBackendJobLimitError")
    assert "3458" in message
    assert obs["limit_when_full"] == {"maximum_jobs": JOB_LIMIT, "active_jobs": JOB_LIMIT}
    assert obs["remaining_when_full"] == 0
    assert obs["final_statuses"] == ["DONE"] * JOB_LIMIT
    assert obs["limit_after"] == {"maximum_jobs": JOB_LIMIT, "active_jobs": 0}
    assert obs["submit_after"] == {"raised": False, "value": "DONE"}


@pytest.mark.parametrize("scenario", SLOW_SCENARIOS)
def test_no_server_error_status(slow: Any, scenario: str) -> None:
    failures = slow.http_failures(scenario)
    server_errors = [f for f in failures if f["status"] is None or f["status"] >= 500]
    assert not server_errors, server_errors
