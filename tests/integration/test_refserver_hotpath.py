"""The reference server's direct path to its endpoints, and what its shortcuts keep."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, NoReturn

import httpx
import pytest
from websockets.sync.client import connect

from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj

ORDER = ["CREATING", "CREATED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "COMPLETED"]


def test_a_job_run_without_delays_records_every_step_in_order(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory(step_delay=0.0, run_delay=0.0, job_limit=-1)
    with ApiSession(server.auth_url, server.demo_token) as session:
        job_id = session.submit(bell_qobj())
        assert session.wait_for(job_id, timeout=30)["status"] == "COMPLETED"
        steps = session.job(job_id)["timePerStep"]
        assert list(steps) == ORDER
        assert list(steps.values()) == sorted(steps.values())
        assert sum(session.result(job_id)["results"][0]["data"]["counts"].values()) == 1024


def test_an_unexpected_error_in_an_endpoint_answers_the_envelope(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory()
    assert server.state is not None

    def broken(*args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("a bug")

    server.state.jobs.create = broken  # type: ignore[method-assign]
    with ApiSession(server.auth_url, server.demo_token) as session:
        answer = session.request("POST", "/Jobs", json={"backend": {"name": "ibmq_qasm_simulator"}})
        assert answer.status_code == 500
        assert answer.json()["error"]["message"] == "API Internal error"
    # The error reached the server's log, which closed that connection; it goes on serving.
    with ApiSession(server.auth_url, server.demo_token) as session:
        assert session.request("GET", "/Jobs/status/v/1").status_code == 200


def test_unknown_routes_and_methods_still_answer_the_envelope(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory()
    with ApiSession(server.auth_url, server.demo_token) as session:
        wrong_method = session.request("DELETE", "/Jobs/status/v/1")
        assert wrong_method.status_code == 405
        assert "GET" in wrong_method.headers["allow"]
        assert wrong_method.json()["error"]["message"].startswith("Method DELETE not allowed")
    missing = httpx.get(server.auth_url + "/no/such/route", timeout=10)
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Request not found: GET /api/no/such/route"


def test_a_status_socket_whose_client_leaves_is_let_go(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory(queue_update_interval=30.0, job_limit=-1)
    server.set_maintenance("ibmq_qasm_simulator")
    assert server.state is not None
    events = server.state.events
    with ApiSession(server.auth_url, server.demo_token) as session:
        job_id = session.submit(bell_qobj())
        session.wait_for(job_id, {"QUEUED"})
        with connect(f"{server.ws_url}/jobs/{job_id}/status/v/1") as socket:
            socket.send(json.dumps({"type": "authentication", "data": session.access_token}))
            assert json.loads(socket.recv(10))["type"] == "authenticated"
            assert json.loads(socket.recv(10))["data"]["status"] == "QUEUED"
            assert job_id in events._subscribers
        # The handler waits for the job's next change (30 s away): the client's leaving must
        # end it now.
        deadline = time.monotonic() + 10
        while job_id in events._subscribers and time.monotonic() < deadline:
            time.sleep(0.02)
        assert job_id not in events._subscribers


def test_a_qobj_larger_than_an_inline_object_is_converted_to_circuits_once(
    server_factory: Callable[..., ServerThread], monkeypatch: pytest.MonkeyPatch
) -> None:
    import refserver.qobjconvert
    import refserver.simulation
    import refserver.validation

    conversions: list[int] = []

    def counted(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def convert(qobj: Any) -> Any:
            conversions.append(len(qobj["experiments"]))
            return original(qobj)

        return convert

    convert = counted(refserver.qobjconvert.to_circuits)
    for module in (refserver.validation, refserver.simulation):  # where it is called from
        monkeypatch.setattr(module, "to_circuits", convert)
    qobj = bell_qobj(shots=16)
    qobj["experiments"] = [
        {**qobj["experiments"][0], "header": {**qobj["experiments"][0]["header"], "name": f"b{i}"}}
        for i in range(200)
    ]
    assert len(json.dumps(qobj)) > 64 << 10  # stored as a file, not in the database
    server = server_factory(step_delay=0.0, run_delay=0.0, job_limit=-1)
    with ApiSession(server.auth_url, server.demo_token) as session:
        job_id = session.submit(qobj)
        assert session.wait_for(job_id, timeout=60)["status"] == "COMPLETED"
        assert len(session.result(job_id)["results"]) == 200
    assert conversions == [200]  # validation converted it; the run used those circuits
