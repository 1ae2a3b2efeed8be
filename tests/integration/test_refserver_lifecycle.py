"""Life cycle of jobs on the reference server, spoken over raw HTTP."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable

import pytest
from qiskit.result import Result

from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj, circuit_qobj

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NOMINAL = ["CREATING", "CREATED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "COMPLETED"]


def test_bell_job_runs_to_completed_with_counts(demo_session: ApiSession) -> None:
    created = demo_session.create(name="bell-life", tags=["life"])
    assert created["status"] == "CREATING"
    assert created["kind"] == "q-object-external-storage"
    assert re.fullmatch(r"[0-9a-f]{24}", created["id"])
    assert f"/objectstorage/{created['id']}/qobj?" in created["objectStorageInfo"]["uploadUrl"]
    assert demo_session.upload(created, bell_qobj(shots=1000)).status_code == 200

    answer = demo_session.request("POST", f"/Jobs/{created['id']}/jobDataUploaded")
    assert answer.status_code == 200
    submitted = answer.json()["job"]
    assert submitted["id"] == created["id"]
    assert submitted["status"] in ("VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "COMPLETED")

    assert demo_session.wait_for(created["id"])["status"] == "COMPLETED"
    document = demo_session.job(created["id"])
    assert list(document["timePerStep"]) == NOMINAL
    assert all(ISO_MS.match(value) for value in document["timePerStep"].values())
    assert ISO_MS.match(document["creationDate"]) and ISO_MS.match(document["endDate"])
    assert document["backend"]["name"] == "ibmq_qasm_simulator" and document["backend"]["id"]
    assert document["hubInfo"] == {
        "hub": {"name": "ibm-q"},
        "group": {"name": "open"},
        "project": {"name": "main"},
    }
    assert document["clientInfo"] == {"name": "refserver-tests", "version": "1.0"}
    assert document["runMode"] == "fairshare"
    assert document["name"] == "bell-life" and document["tags"] == ["life"]
    assert document["summaryData"]["summary"]["qobj_config"]["n_qubits"] == 2
    assert document["summaryData"]["success"] is True
    assert "infoQueue" not in document and "error" not in document

    result = Result.from_dict(demo_session.result(created["id"]))
    counts = result.get_counts("bell")
    assert sum(counts.values()) == 1000
    assert set(counts) == {"00", "11"}
    assert result.job_id == created["id"] and result.backend_name == "ibmq_qasm_simulator"
    downloaded = demo_session.request("POST", f"/Jobs/{created['id']}/resultDownloaded")
    assert downloaded.status_code == 200


def test_seed_gives_reproducible_counts(demo_session: ApiSession) -> None:
    qobj = bell_qobj(shots=2000, seed=1234)
    counts = []
    for _ in range(2):
        job_id = demo_session.submit(qobj)
        demo_session.wait_for(job_id)
        counts.append(demo_session.result(job_id)["results"][0]["data"]["counts"])
    assert counts[0] == counts[1]
    other = demo_session.submit(bell_qobj(shots=2000, seed=99))
    demo_session.wait_for(other)
    assert demo_session.result(other)["results"][0]["data"]["counts"] != counts[0]


def test_device_job_uses_noise_and_its_calibration(
    demo_session: ApiSession, reference_server: ServerThread
) -> None:
    # A Bell circuit in the device's basis: H is rz(pi/2) sx rz(pi/2).
    instructions = [
        {"name": "rz", "params": [math.pi / 2], "qubits": [0]},
        {"name": "sx", "qubits": [0]},
        {"name": "rz", "params": [math.pi / 2], "qubits": [0]},
        {"name": "cx", "qubits": [0, 1]},
        {"name": "measure", "qubits": [0], "memory": [0]},
        {"name": "measure", "qubits": [1], "memory": [1]},
    ]
    qobj = circuit_qobj("noisy-bell", 2, instructions, shots=4000, seed=5)
    job_id = demo_session.submit(qobj, backend="ibmq_manila")
    assert demo_session.wait_for(job_id)["status"] == "COMPLETED"
    counts = demo_session.result(job_id)["results"][0]["data"]["counts"]
    assert {"0x1", "0x2"} & set(counts), "a noisy device gives some 01/10 outcomes"

    in_force = demo_session.request("GET", f"/Jobs/{job_id}/properties").json()
    current = demo_session.request(
        "GET", "/devices/ibmq_manila/properties", params={"version": 1}
    ).json()
    assert in_force == current and in_force["backend_name"] == "ibmq_manila"

    reference_server.recalibrate("ibmq_manila")
    later = demo_session.submit(qobj, backend="ibmq_manila")
    demo_session.wait_for(later)
    newer = demo_session.request("GET", f"/Jobs/{later}/properties").json()
    assert newer["last_update_date"] > in_force["last_update_date"]
    assert demo_session.request("GET", f"/Jobs/{job_id}/properties").json() == in_force
    before = demo_session.request(
        "GET",
        "/devices/ibmq_manila/properties",
        params={
            "filter": json.dumps({"where": {"last_update_date": {"lt": newer["last_update_date"]}}})
        },
    ).json()
    assert before["last_update_date"] < newer["last_update_date"]


def test_devices_serve_configuration_defaults_queue_and_limit(demo_session: ApiSession) -> None:
    configurations = demo_session.request("GET", "/devices/v/1").json()
    by_name = {c["backend_name"]: c for c in configurations}
    assert {"ibmq_qasm_simulator", "ibmq_manila", "ibmq_lima"} <= set(by_name)
    assert by_name["ibmq_manila"]["n_qubits"] == 5 and by_name["ibmq_manila"]["open_pulse"]
    assert by_name["ibmq_qasm_simulator"]["simulator"] is True
    defaults = demo_session.request("GET", "/devices/ibmq_manila/defaults").json()
    assert len(defaults["qubit_freq_est"]) == 5
    assert demo_session.request("GET", "/devices/ibmq_qasm_simulator/defaults").json() == {}
    assert demo_session.request("GET", "/devices/ibmq_qasm_simulator/properties").json() == {}
    queue = demo_session.request("GET", "/devices/ibmq_qasm_simulator/queue/status").json()
    assert queue["state"] is True and queue["status"] == "active" and queue["lengthQueue"] >= 0
    limit = demo_session.request("GET", "/devices/ibmq_qasm_simulator/jobsLimit").json()
    assert limit == {"maximumJobs": -1, "runningJobs": limit["runningJobs"]}
    missing = demo_session.request("GET", "/devices/ibmq_nowhere/defaults")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == 2000


def test_update_name_and_tags_echo_and_delete_hides(demo_session: ApiSession) -> None:
    job_id = demo_session.create(name="before")["id"]
    renamed = demo_session.request("PUT", f"/Jobs/{job_id}", json={"name": ""})
    assert renamed.status_code == 200 and renamed.json()["name"] == ""
    tagged = demo_session.request("PUT", f"/Jobs/{job_id}", json={"tags": ["x", "y"]})
    assert tagged.status_code == 200 and sorted(tagged.json()["tags"]) == ["x", "y"]
    for bad in ({"name": "a", "tags": []}, {"tags": "x"}, {"name": 3}, {}, {"other": 1}, ["name"]):
        answer = demo_session.request("PUT", f"/Jobs/{job_id}", json=bad)
        assert answer.status_code == 400, bad
        assert answer.json()["error"]["message"]
    deleted = demo_session.request("DELETE", f"/Jobs/{job_id}")
    assert deleted.status_code == 200 and deleted.json() == {"deleted": True}
    for path in (f"/Jobs/{job_id}/v/1", f"/Jobs/{job_id}/status/v/1", f"/Jobs/{job_id}/properties"):
        answer = demo_session.request("GET", path)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == 3250
    assert job_id not in [j["id"] for j in demo_session.jobs({"where": {"name": ""}})]


def test_qobj_download_returns_the_upload(demo_session: ApiSession) -> None:
    qobj = bell_qobj(shots=10)
    job_id = demo_session.submit(qobj)
    url = demo_session.request("GET", f"/Jobs/{job_id}/jobDownloadUrl").json()["url"]
    assert demo_session.client.get(url).json() == qobj


def test_cancel_in_creating_is_idempotent_and_finished_jobs_refuse(
    demo_session: ApiSession,
) -> None:
    created = demo_session.create()
    answer = demo_session.request("POST", f"/Jobs/{created['id']}/cancel")
    assert answer.status_code == 200 and answer.json() == {"cancelled": True}
    assert demo_session.status(created["id"])["status"] == "CANCELLED"
    again = demo_session.request("POST", f"/Jobs/{created['id']}/cancel")
    assert again.status_code == 200 and again.json() == {"cancelled": True}
    assert list(demo_session.job(created["id"])["timePerStep"]) == ["CREATING", "CANCELLED"]
    late_upload = demo_session.upload(created, bell_qobj())
    assert late_upload.status_code == 409
    late_submit = demo_session.request("POST", f"/Jobs/{created['id']}/jobDataUploaded")
    assert late_submit.status_code == 409
    no_result = demo_session.request("GET", f"/Jobs/{created['id']}/resultDownloadUrl")
    assert no_result.status_code == 409

    finished = demo_session.submit(bell_qobj(shots=10))
    demo_session.wait_for(finished)
    refused = demo_session.request("POST", f"/Jobs/{finished}/cancel")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == 3208
    assert "COMPLETED" in refused.json()["error"]["message"]
    assert demo_session.status(finished)["status"] == "COMPLETED"


def test_job_data_uploaded_needs_the_upload_and_is_idempotent(demo_session: ApiSession) -> None:
    created = demo_session.create()
    early = demo_session.request("POST", f"/Jobs/{created['id']}/jobDataUploaded")
    assert early.status_code == 409 and early.json()["error"]["code"] == 3251
    demo_session.upload(created, bell_qobj()).raise_for_status()
    first = demo_session.request("POST", f"/Jobs/{created['id']}/jobDataUploaded")
    second = demo_session.request("POST", f"/Jobs/{created['id']}/jobDataUploaded")
    assert first.status_code == second.status_code == 200
    assert second.json()["job"]["id"] == created["id"]
    assert demo_session.wait_for(created["id"])["status"] == "COMPLETED"


def test_queue_info_only_while_queued_and_cancel_in_queue(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory(step_delay=0.0, run_delay=0.0, job_limit=-1)
    server.set_maintenance("ibmq_qasm_simulator")
    with ApiSession(server.auth_url, server.demo_token) as session:
        jobs = [session.submit(bell_qobj(shots=10)) for _ in range(3)]
        for job_id in jobs:
            session.wait_for(job_id, {"QUEUED"})
        positions = []
        for job_id in jobs:
            status = session.status(job_id)
            info = status["infoQueue"]
            assert info["status"] == "PENDING_IN_QUEUE"
            assert info["estimatedStartTime"] <= info["estimatedCompleteTime"]
            assert {"hubPriority", "groupPriority", "projectPriority"} <= set(info)
            positions.append(info["position"])
            assert session.job(job_id)["infoQueue"]["position"] == info["position"]
        assert positions == [1, 2, 3]
        queue = session.request("GET", "/devices/ibmq_qasm_simulator/queue/status").json()
        assert queue["lengthQueue"] == 3 and queue["state"] is False

        assert session.request("POST", f"/Jobs/{jobs[0]}/cancel").json() == {"cancelled": True}
        assert session.status(jobs[0]) == {"id": jobs[0], "status": "CANCELLED"}
        assert session.status(jobs[1])["infoQueue"]["position"] == 1
        server.set_maintenance("ibmq_qasm_simulator", False)
        for job_id in jobs[1:]:
            assert session.wait_for(job_id)["status"] == "COMPLETED"
            assert "infoQueue" not in session.status(job_id)
            assert "infoQueue" not in session.job(job_id)
        assert "RUNNING" not in session.job(jobs[0])["timePerStep"]


def test_cancel_while_running_discards_the_run(server_factory: Callable[..., ServerThread]) -> None:
    server = server_factory(run_delay=30.0, job_limit=-1)
    with ApiSession(server.auth_url, server.demo_token) as session:
        job_id = session.submit(bell_qobj())
        session.wait_for(job_id, {"RUNNING"})
        started = time.monotonic()
        assert session.request("POST", f"/Jobs/{job_id}/cancel").json() == {"cancelled": True}
        assert session.wait_for(job_id)["status"] == "CANCELLED"
        assert time.monotonic() - started < 5
        nxt = session.submit(bell_qobj(shots=5))
        session.wait_for(nxt, {"RUNNING"})
        assert session.request("GET", f"/Jobs/{job_id}/resultDownloadUrl").status_code == 409


@pytest.mark.parametrize("limit", [2])
def test_job_limit_answers_3458(server_factory: Callable[..., ServerThread], limit: int) -> None:
    server = server_factory(job_limit=limit)
    with ApiSession(server.auth_url, server.demo_token) as session:
        held = [session.create() for _ in range(limit)]
        refused = session.request(
            "POST", "/Jobs", json={"backend": {"name": "ibmq_qasm_simulator"}}
        )
        assert refused.status_code == 400
        error = refused.json()["error"]
        assert error["code"] == 3458
        assert error["message"] == f"Reached maximum number ({limit}) of concurrent jobs"
        assert session.request("GET", "/devices/ibmq_qasm_simulator/jobsLimit").json() == {
            "maximumJobs": limit,
            "runningJobs": limit,
        }
        other_backend = session.create("ibmq_lima")
        assert other_backend["status"] == "CREATING"
        session.request("POST", f"/Jobs/{held[0]['id']}/cancel").raise_for_status()
        assert session.create()["status"] == "CREATING"


def test_default_limits_fit_a_submission_loop_and_jobs_limit_tells_them(
    server_factory: Callable[..., ServerThread],
) -> None:
    import argparse

    from refserver.cli import add_arguments
    from refserver.config import DEVICE_JOB_LIMIT, SIMULATOR_JOB_LIMIT

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = parser.parse_args([])
    assert defaults.job_limit is None and defaults.step_delay <= 0.2 and defaults.run_delay <= 0.5
    server = server_factory()  # no job limit given: the per-kind defaults
    with ApiSession(server.auth_url, server.demo_token) as session:
        created = [session.create() for _ in range(23)]
        assert len({job["id"] for job in created}) == 23
        simulator = session.request("GET", "/devices/ibmq_qasm_simulator/jobsLimit").json()
        assert simulator == {"maximumJobs": SIMULATOR_JOB_LIMIT, "runningJobs": 23}
        device = session.request("GET", "/devices/ibmq_manila/jobsLimit").json()
        assert device == {"maximumJobs": DEVICE_JOB_LIMIT, "runningJobs": 0}
        for _ in range(DEVICE_JOB_LIMIT):
            session.create("ibmq_manila")
        refused = session.request("POST", "/Jobs", json={"backend": {"name": "ibmq_manila"}})
        assert refused.json()["error"]["message"] == (
            f"Reached maximum number ({DEVICE_JOB_LIMIT}) of concurrent jobs"
        )
