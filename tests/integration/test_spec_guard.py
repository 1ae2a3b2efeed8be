"""The reference servers of the test run answer through the spec guard (``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from refserver.jobs import JobService
from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj


def test_a_response_outside_the_spec_is_caught(
    demo_session: ApiSession, spec_violations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = demo_session.submit(bell_qobj(shots=8), tags=["spec-guard"])
    before = len(spec_violations)
    # A server bug: the status document loses its `status`.
    monkeypatch.setattr(JobService, "status", lambda self, *args: {"state": "QUEUED"})
    response = demo_session.request("GET", f"/Jobs/{job_id}/status/v/1")
    assert response.status_code == 200 and response.json() == {"state": "QUEUED"}
    found = spec_violations[before:]
    # Caught, then cleared: this test causes it on purpose.
    del spec_violations[before:]
    (problem,) = found
    assert "getJobStatus" in problem and "'status' is a required property" in problem


def test_a_server_started_directly_is_guarded_too(
    spec_violations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(JobService, "status", lambda self, *args: {"status": 7})
    before = len(spec_violations)
    with ServerThread(job_limit=-1) as server:
        assert server.demo_token is not None
        with ApiSession(server.auth_url, server.demo_token) as session:
            job_id = session.submit(bell_qobj(shots=8))
            session.request("GET", f"/Jobs/{job_id}/status/v/1")
    found = spec_violations[before:]
    del spec_violations[before:]
    assert len(found) == 1 and "7 is not of type 'string' at /status" in found[0]


def test_servers_with_deliberate_faults_are_not_guarded(
    server_factory: Callable[..., ServerThread], spec_violations: list[str]
) -> None:
    server = server_factory(job_limit=-1, faults=["wrong_status_string"])
    assert server.demo_token is not None
    before = len(spec_violations)
    with ApiSession(server.auth_url, server.demo_token) as session:
        job_id = session.submit(bell_qobj(shots=8))
        document: dict[str, Any] = session.status(job_id)
    assert document["status"].islower()
    assert spec_violations[before:] == []
