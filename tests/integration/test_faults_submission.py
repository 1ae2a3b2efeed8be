"""Submission under faults: an accepted job is never lost, cancelled or created twice.

The SDK talks to a real reference server through the fault proxy; what the server holds is
read around the proxy.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.faultkit.harness import FaultyServer, bell, faulty_server, unique_tag
from benchmarks.faultkit.proxy import Rule
from ibmqjob import IBMQBackendApiError, IBMQJob, JobStatus
from ibmqjob.settings import HttpSettings
from tests.integration.faults_support import in_thread

CALLBACK = r"/Jobs/[0-9a-f]+/jobDataUploaded$"
CREATE = r"/Jobs$"
STATUS = r"/Jobs/[0-9a-f]+/status/v/1$"


@pytest.fixture(scope="module")
def shared() -> Iterator[FaultyServer]:
    with faulty_server() as pair:
        yield pair


@pytest.fixture
def faulty(shared: FaultyServer) -> Iterator[FaultyServer]:
    shared.proxy.clear()
    yield shared
    shared.proxy.clear()
    shared.proxy.wait_up()  # an outage the test started ends before the next test


def _run_tagged(faulty: FaultyServer, tag: str, settings: HttpSettings | None = None) -> IBMQJob:
    with faulty.backend(settings) as backend:
        job = backend.run(bell(), shots=200, seed_simulator=7, job_tags=[tag])
        job.result(timeout=60, wait=0.1)  # the job works: its result can be read
        return job


@pytest.mark.parametrize(
    "rule",
    [
        Rule("reset_response", method="POST", path=CALLBACK),
        Rule("truncate", method="POST", path=CALLBACK),
        Rule("status_after", method="POST", path=CALLBACK, status=502, outage=9.0),
        Rule("reset_response", method="POST", path=CALLBACK, outage=5.0),
    ],
    ids=["reset", "truncated", "502-then-restart", "reset-then-restart"],
)
def test_an_accepted_job_whose_callback_answer_was_lost_is_returned(
    faulty: FaultyServer, rule: Rule
) -> None:
    tag = unique_tag("lost-callback")
    faulty.proxy.add(rule)

    job = _run_tagged(faulty, tag)

    assert rule.applied >= 1
    jobs = faulty.jobs_tagged(tag)
    assert [item["id"] for item in jobs] == [job.job_id()]
    assert jobs[0]["status"] == "COMPLETED"
    assert job.result().get_counts().keys() <= {"00", "11"}


def test_an_unknown_outcome_is_reported_with_the_job_and_the_job_is_not_cancelled(
    faulty: FaultyServer,
) -> None:
    tag = unique_tag("unknown")
    # The callback reaches the server, but no answer (nor any status) comes back.
    faulty.proxy.add(
        Rule("reset_response", method="POST", path=CALLBACK, times=None),
        Rule("reset_response", method="GET", path=STATUS, times=None),
    )
    settings = HttpSettings(read_timeout=2.0, submit_timeout=3.0)

    with faulty.backend(settings) as backend:
        err = in_thread(lambda: backend.run(bell(), shots=10, job_tags=[tag]), 30)
    faulty.proxy.clear()

    assert isinstance(err, IBMQBackendApiError), err
    [job] = faulty.jobs_tagged(tag)
    message = err.message
    assert f"POST /Jobs/{job['id']}/jobDataUploaded" in message
    assert "{id}" not in message
    assert f"Job {job['id']} exists on the server" in message and "not cancelled" in message
    assert faulty.status_of(job["id"]) != "CANCELLED"


def test_an_outage_after_the_upload_is_ridden_out(faulty: FaultyServer) -> None:
    tag = unique_tag("outage")
    # The upload reaches the server, its answer is lost, and the server is down for 6 s.
    rule = Rule("reset_response", method="PUT", path="/objectstorage/", outage=6.0)
    faulty.proxy.add(rule)

    job = in_thread(lambda: _run_tagged(faulty, tag), 90)

    assert isinstance(job, IBMQJob), job
    assert rule.applied == 1
    assert [item["id"] for item in faulty.jobs_tagged(tag)] == [job.job_id()]
    assert job.status() is JobStatus.DONE


@pytest.mark.parametrize(
    "rule",
    [
        Rule("status_after", method="POST", path=CREATE, status=502),
        Rule("reset_response", method="POST", path=CREATE),
        Rule("reset_request", method="POST", path=CREATE),
    ],
    ids=["502-after-acting", "reset-mid-response", "reset-mid-request"],
)
def test_a_creation_with_an_unknown_outcome_is_never_repeated(
    faulty: FaultyServer, rule: Rule
) -> None:
    tag = unique_tag("create-unknown")
    faulty.proxy.add(rule)

    with faulty.backend() as backend, pytest.raises(IBMQBackendApiError) as info:
        backend.run(bell(), shots=10, job_tags=[tag])

    assert "may have created a job" in info.value.message
    assert len(faulty.jobs_tagged(tag)) <= 1  # created at most once, never twice
    assert rule.applied == 1


def test_an_upload_that_fails_cancels_the_job_the_server_never_ran(faulty: FaultyServer) -> None:
    tag = unique_tag("upload-fails")
    faulty.proxy.add(Rule("status_before", method="PUT", path="/objectstorage/", status=403))

    with faulty.backend() as backend, pytest.raises(IBMQBackendApiError) as info:
        backend.run(bell(), shots=10, job_tags=[tag])

    [job] = faulty.jobs_tagged(tag)
    assert f"Job {job['id']} was created but its Qobj was not uploaded" in info.value.message
    assert "it was cancelled" in info.value.message
    assert faulty.status_of(job["id"]) == "CANCELLED"
