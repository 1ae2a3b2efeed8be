"""Jobs left in CREATING (the answer to POST /Jobs lost) end once their upload URL expires."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj


def _wait_status(session: ApiSession, job_id: str, wanted: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        document = session.job(job_id)
        if document["status"] == wanted or time.monotonic() > deadline:
            return document
        time.sleep(0.05)


def test_an_unconfirmed_job_ends_in_error_creating_job(server_factory: Any) -> None:
    server: ServerThread = server_factory(url_ttl=1, job_limit=2)
    assert server.demo_token is not None
    with ApiSession(server.auth_url, server.demo_token) as session:
        orphans = [session.create(name=f"orphan-{i}")["id"] for i in range(2)]
        limit = session.client.get(session.prefix + "/devices/ibmq_qasm_simulator/jobsLimit").json()
        assert limit == {"maximumJobs": 2, "runningJobs": 2}
        # At the limit now; once the orphans expire the project can submit again.
        refused = session.request(
            "POST", "/Jobs", json={"backend": {"name": "ibmq_qasm_simulator"}}
        )
        assert refused.status_code == 400 and refused.json()["error"]["code"] == 3458
        for job_id in orphans:
            document = _wait_status(session, job_id, "ERROR_CREATING_JOB", timeout=15)
            assert document["status"] == "ERROR_CREATING_JOB"
            assert document["error"]["code"] == 3252
            assert "upload" in document["error"]["message"]
            assert "ERROR_CREATING_JOB" in document["timePerStep"] and document["endDate"]
        # Too late to confirm: the job is final.
        late = session.request("POST", f"/Jobs/{orphans[0]}/jobDataUploaded")
        assert late.status_code == 409
        fresh = session.submit(bell_qobj())
        assert session.wait_for(fresh, timeout=60)["status"] == "COMPLETED"


def test_orphans_expire_after_a_restart(tmp_path: Path) -> None:
    with (
        ServerThread(data_dir=tmp_path) as server,
        ApiSession(server.auth_url, server.demo_token) as session,
    ):
        orphan = session.create()["id"]
        kept = session.create()
        session.upload(kept, bell_qobj()).raise_for_status()
        session.request("POST", f"/Jobs/{kept['id']}/jobDataUploaded").raise_for_status()
        assert session.wait_for(kept["id"], timeout=60)["status"] == "COMPLETED"
    time.sleep(1.1)
    with (
        ServerThread(data_dir=tmp_path, url_ttl=1) as server,
        ApiSession(server.auth_url, server.demo_token) as session,
    ):
        assert _wait_status(session, orphan, "ERROR_CREATING_JOB", 10)["status"] == (
            "ERROR_CREATING_JOB"
        )
        assert session.job(kept["id"])["status"] == "COMPLETED"
