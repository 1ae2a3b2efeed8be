"""The job status websocket of the reference server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj, status_stream

FINAL = {"COMPLETED", "CANCELLED", "ERROR_VALIDATING_JOB", "ERROR_RUNNING_JOB"}


def test_frames_follow_the_life_cycle_and_close_with_4002(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory(step_delay=0.05, run_delay=0.05, job_limit=-1)
    with ApiSession(server.auth_url, server.demo_token) as session:
        created = session.create()
        session.upload(created, bell_qobj()).raise_for_status()
        submitted: list[bool] = []

        def submit_after_first_status(frame: dict[str, Any]) -> None:
            if frame["type"] == "job-status" and not submitted:
                submitted.append(True)
                session.request("POST", f"/Jobs/{created['id']}/jobDataUploaded").raise_for_status()

        frames, code = status_stream(
            server.ws_url, created["id"], session.access_token, submit_after_first_status
        )
    assert code == 4002
    assert frames[0] == {"type": "authenticated"}
    statuses = [f["data"]["status"] for f in frames[1:]]
    assert all(f["type"] == "job-status" for f in frames[1:])
    assert statuses[0] == "CREATING" and statuses[-1] == "COMPLETED"
    order = ["CREATING", "CREATED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "COMPLETED"]
    assert [s for s in order if s in statuses] == sorted(set(statuses), key=order.index)
    assert {"VALIDATING", "QUEUED", "RUNNING"} <= set(statuses)
    for frame in frames[1:]:
        assert ("infoQueue" in frame["data"]) == (frame["data"]["status"] == "QUEUED")


def test_queued_job_gets_periodic_frames_then_its_cancellation(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory(queue_update_interval=0.05, job_limit=-1)
    server.set_maintenance("ibmq_qasm_simulator")
    with ApiSession(server.auth_url, server.demo_token) as session:
        job_id = session.submit(bell_qobj())
        session.wait_for(job_id, {"QUEUED"})
        seen: list[dict[str, Any]] = []

        def cancel_after_three(frame: dict[str, Any]) -> None:
            seen.append(frame)
            if len(seen) == 4:
                session.request("POST", f"/Jobs/{job_id}/cancel").raise_for_status()

        frames, code = status_stream(
            server.ws_url, job_id, session.access_token, cancel_after_three
        )
    assert code == 4002
    queued = [f["data"] for f in frames[1:] if f["data"]["status"] == "QUEUED"]
    assert len(queued) >= 3
    assert all(q["infoQueue"]["position"] == 1 for q in queued)
    assert frames[-1]["data"] == {"status": "CANCELLED"}


def test_final_job_gets_one_frame(demo_session: ApiSession, reference_server: ServerThread) -> None:
    job_id = demo_session.submit(bell_qobj())
    demo_session.wait_for(job_id)
    frames, code = status_stream(reference_server.ws_url, job_id, demo_session.access_token)
    assert code == 4002
    assert frames == [
        {"type": "authenticated"},
        {"type": "job-status", "data": {"status": "COMPLETED"}},
    ]


def test_unknown_and_foreign_jobs_close_with_4003(
    demo_session: ApiSession, other_session: ApiSession, reference_server: ServerThread
) -> None:
    mine = demo_session.create()["id"]
    for job_id, token in (
        ("0" * 24, demo_session.access_token),
        (mine, other_session.access_token),
    ):
        frames, code = status_stream(reference_server.ws_url, job_id, token)
        assert frames == [{"type": "authenticated"}]
        assert code == 4003


@pytest.mark.parametrize(
    "first",
    [
        json.dumps({"type": "authentication", "data": "not-a-token"}),
        json.dumps({"type": "hello", "data": "x"}),
        "not json",
    ],
)
def test_failed_authentication_answers_an_error_and_closes_with_4001(
    demo_session: ApiSession, reference_server: ServerThread, first: str
) -> None:
    job_id = demo_session.create()["id"]
    with connect(f"{reference_server.ws_url}/jobs/{job_id}/status/v/1", proxy=None) as socket:
        socket.send(first)
        reply = json.loads(socket.recv(timeout=10))
        assert reply["type"] != "authenticated" and reply["data"]
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
