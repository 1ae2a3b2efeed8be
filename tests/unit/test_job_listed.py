"""A job from a listing holds a projected document: what its accessors read is there (no
request), and the fields the listing left out are fetched once, on first access."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from qiskit.providers import JobStatus

from ibmqjob.job import IBMQJob
from ibmqjob.settings import TimeSource
from tests.unit.fake_job_api import FakeClock, FakeJobApi, result_document

DONE = ["COMPLETED"]


@pytest.fixture
def api() -> FakeJobApi:
    return FakeJobApi()


def listed_job(
    api: FakeJobApi, statuses: list[str], *, partial: bool = True, **attributes: Any
) -> Any:
    """The job as ``backend.jobs()`` builds it from a listing projected on its fields."""
    job_id = api.add(statuses, **attributes)
    api.jobs[job_id].result = result_document(job_id, [True])
    whole = api.job_get(job_id)
    listed = dataclasses.replace(whole, time_per_step=None, extra={}, partial=partial)
    api.calls.clear()
    return IBMQJob._from_record("backend", api, listed)


def test_a_listed_job_answers_its_accessors_without_a_request(api: FakeJobApi) -> None:
    job = listed_job(api, DONE, name="listed", tags=["a"], extra={"summaryData": {"n": 1}})

    assert job.status() is JobStatus.DONE
    assert (job.name(), job.tags()) == ("listed", ["a"])
    assert job.creation_date() is not None
    assert job.result().get_counts(0) == {"0": 500, "11": 524}
    assert job.error_message() is None
    assert api.count("job_get") == 0


def test_an_attribute_the_listing_left_out_is_fetched_once(api: FakeJobApi) -> None:
    job = listed_job(api, DONE, extra={"summaryData": {"n": 1}, "userId": "u1"})

    assert job.summary_data_ == {"n": 1}
    assert job.user_id_ == "u1"
    assert job.to_dict()["summary_data"] == {"n": 1}
    assert api.count("job_get") == 1


def test_to_dict_of_a_listed_job_is_its_full_document(api: FakeJobApi) -> None:
    job = listed_job(api, DONE, extra={"endDate": "2024-05-01T12:05:00Z"})

    data = job.to_dict()

    assert data["end_date"] == "2024-05-01T12:05:00Z"
    assert "COMPLETED" in data["time_per_step"]
    assert api.count("job_get") == 1


def test_time_per_step_of_a_listed_job_is_fetched(api: FakeJobApi) -> None:
    job = listed_job(api, DONE)

    steps = job.time_per_step()

    assert steps is not None and "COMPLETED" in steps
    assert api.count("job_get") == 1


def test_a_whole_listed_document_needs_no_fetch(api: FakeJobApi) -> None:
    job = listed_job(api, DONE, partial=False)

    with pytest.raises(AttributeError, match="summary_data_"):
        _ = job.summary_data_
    assert api.count("job_get") == 0


def test_a_listed_job_seen_final_later_reads_the_final_document(api: FakeJobApi) -> None:
    clock = FakeClock()
    api.time = TimeSource(sleep=clock.sleep, clock=clock)
    job_id = api.add(["QUEUED", "RUNNING", "COMPLETED"], extra={"summaryData": {"n": 2}})
    api.jobs[job_id].result = result_document(job_id, [True])
    listed = dataclasses.replace(api.job_get(job_id), extra={}, partial=True)
    api.calls.clear()
    job = IBMQJob._from_record("backend", api, listed)

    job.result()
    assert api.count("job_get") == 0
    assert job.summary_data_ == {"n": 2}
    assert api.count("job_get") == 1
