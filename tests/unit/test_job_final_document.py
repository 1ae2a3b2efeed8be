"""After waiting, a job does not fetch its document again for the result; the fields only the
final document holds are fetched on first access, and are never stale."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.fake_job_api import FakeClock, FakeJobApi, make_job, result_document

NOMINAL = ["CREATING", "CREATED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "COMPLETED"]


@pytest.fixture
def api() -> FakeJobApi:
    return FakeJobApi()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def waited_job(api: FakeJobApi, clock: FakeClock, **attributes: Any) -> Any:
    job_id = api.add(NOMINAL, **attributes)
    api.jobs[job_id].result = result_document(job_id, [True])
    job = make_job(api, job_id, clock)
    job.result()
    return job


def test_result_after_waiting_fetches_no_job_document(api: FakeJobApi, clock: FakeClock) -> None:
    waited_job(api, clock)
    assert api.count("job_get") == 0
    assert api.count("job_result") == 1


def test_time_per_step_is_fetched_once_with_the_final_step(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job = waited_job(api, clock)
    steps = job.time_per_step()
    assert steps is not None and "COMPLETED" in steps
    assert api.count("job_get") == 1
    assert job.time_per_step() == steps
    assert api.count("job_get") == 1


def test_extra_attributes_and_to_dict_come_from_the_final_document(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job = waited_job(api, clock, extra={"summaryData": {"size": 7}})
    data = job.to_dict()
    assert api.count("job_get") == 1
    assert data["status"] == "COMPLETED"
    assert "COMPLETED" in data["time_per_step"]
    assert job.summary_data_ == {"size": 7}
    assert api.count("job_get") == 1


def test_scheduling_mode_reads_the_final_document(api: FakeJobApi, clock: FakeClock) -> None:
    job = waited_job(api, clock, run_mode="dedicated")
    assert job.scheduling_mode() == "dedicated"
    assert api.count("job_get") == 1


def test_an_explicit_refresh_clears_the_staleness(api: FakeJobApi, clock: FakeClock) -> None:
    job = waited_job(api, clock)
    job.refresh()
    job.time_per_step()
    job.to_dict()
    assert api.count("job_get") == 1


def _frame_document(job: Any, status: str) -> dict[str, Any]:
    return {
        "id": job.job_id(),
        "kind": "q-object-external-storage",
        "status": status,
        "creationDate": "2024-05-01T12:00:00.000Z",
        "backend": {"name": "ibmq_qasm_simulator"},
        "timePerStep": {"CREATING": "2024-05-01T12:00:00.000Z", status: "2024-05-01T12:00:05Z"},
        "summaryData": {"size": 3},
    }


def test_a_final_frames_document_is_read_when_first_needed(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job = waited_job(api, clock)
    job._use_final_frame({"job": _frame_document(job, "COMPLETED")})
    assert job._frame_document is not None  # not decoded by the wait
    steps = job.time_per_step()
    assert steps is not None and "COMPLETED" in steps
    assert job.summary_data_ == {"size": 3}
    assert api.count("job_get") == 0
    assert job._frame_document is None


@pytest.mark.parametrize("document", [{"status": "RUNNING"}, {"id": 7}])
def test_an_unusable_frame_document_leaves_the_fetch_to_the_server(
    api: FakeJobApi, clock: FakeClock, document: dict[str, Any]
) -> None:
    job = waited_job(api, clock)
    job._use_final_frame({"job": {**_frame_document(job, "COMPLETED"), **document}})
    steps = job.time_per_step()
    assert steps is not None and "COMPLETED" in steps
    assert api.count("job_get") == 1
