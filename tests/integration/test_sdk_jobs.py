"""The SDK against live reference servers: cancelling, tags, listing and the job limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from qiskit.providers import JobStatus

from ibmqjob._listing import fetch_jobs, jobs_where
from ibmqjob.backend import IBMQBackend
from ibmqjob.exceptions import (
    IBMQBackendJobLimitError,
    IBMQBackendValueError,
    IBMQJobInvalidStateError,
)
from ibmqjob.job import IBMQJob
from ibmqjob.provider import AccountProvider
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell, demo_provider, unique_tag


@pytest.fixture(scope="module")
def provider(reference_server: ServerThread) -> Iterator[AccountProvider]:
    with demo_provider(reference_server) as provider:
        yield provider


@pytest.fixture(scope="module")
def simulator(provider: AccountProvider) -> IBMQBackend:
    backend: IBMQBackend = provider.get_backend(SIMULATOR)
    return backend


@pytest.fixture
def held_server(server_factory: Callable[..., ServerThread]) -> ServerThread:
    """A server with a job limit of 2 whose simulator runs nothing: jobs stay queued."""
    server = server_factory(job_limit=2)
    server.set_maintenance(SIMULATOR, True)
    return server


def test_cancel_a_queued_job(held_server: ServerThread) -> None:
    with demo_provider(held_server) as provider:
        job = provider.get_backend(SIMULATOR).run(bell(), shots=10)
        assert job.status() in (JobStatus.VALIDATING, JobStatus.QUEUED)

        assert job.cancel() is True
        assert job.status() is JobStatus.CANCELLED
        with pytest.raises(IBMQJobInvalidStateError, match="Job was cancelled"):
            job.result(timeout=10, wait=0.1)
        assert job.cancelled()


def test_job_limit_3458(held_server: ServerThread) -> None:
    with demo_provider(held_server) as provider:
        backend = provider.get_backend(SIMULATOR)
        jobs = [backend.run(bell(), shots=10) for _ in range(2)]
        limit = backend.job_limit()
        assert (limit.maximum_jobs, limit.active_jobs) == (2, 2)
        assert backend.remaining_jobs_count() == 0
        active = {job.job_id() for job in backend.active_jobs(limit=None)}
        assert active == {job.job_id() for job in jobs}

        with pytest.raises(IBMQBackendJobLimitError) as info:
            backend.run(bell(), shots=10)
        assert "Error submitting job:" in info.value.message
        assert "Error code: 3458." in info.value.message

        assert jobs[0].cancel()
        backend.run(bell(), shots=10)  # room again


def test_tags_matrix(simulator: IBMQBackend) -> None:
    tag = unique_tag("tags")
    job = simulator.run(bell(), shots=10, job_tags=[tag, "ibmq_jobset_abc_"])

    assert sorted(job.update_tags(replacement_tags=["r1", "r2"])) == sorted(
        ["r1", "r2", "ibmq_jobset_abc_"]
    )
    assert sorted(job.update_tags(additional_tags=["a1"])) == sorted(
        ["r1", "r2", "a1", "ibmq_jobset_abc_"]
    )
    assert sorted(job.update_tags(removal_tags=["r1", "ibmq_jobset_abc_"])) == sorted(
        ["r2", "a1", "ibmq_jobset_abc_"]
    )
    assert sorted(
        job.update_tags(replacement_tags=[], additional_tags=["x"], removal_tags=["x"])
    ) == ["ibmq_jobset_abc_"]
    assert simulator.retrieve_job(job.job_id()).tags() == ["ibmq_jobset_abc_"]
    with pytest.raises(IBMQJobInvalidStateError):
        job.update_tags()


def _submit_tagged(backend: IBMQBackend, tag: str, count: int) -> list[IBMQJob]:
    jobs = []
    for index in range(count):
        tags = [tag, "even" if index % 2 == 0 else "odd"]
        jobs.append(backend.run(bell(), shots=5, job_tags=tags, job_name=f"page-{index}"))
    for job in jobs:
        job.wait_for_final_state(timeout=60)
    return jobs


def test_listing_across_pages_with_filters(
    provider: AccountProvider, simulator: IBMQBackend
) -> None:
    tag = unique_tag("list")
    jobs = _submit_tagged(simulator, tag, 7)
    newest_first = [job.job_id() for job in reversed(jobs)]

    listed = provider.jobs(limit=None, job_tags=[tag])
    assert [job.job_id() for job in listed] == newest_first
    assert [job.job_id() for job in simulator.jobs(limit=3, skip=1, job_tags=[tag])] == (
        newest_first[1:4]
    )
    oldest = simulator.jobs(limit=2, job_tags=[tag], descending=False)
    assert [job.job_id() for job in oldest] == [jobs[0].job_id(), jobs[1].job_id()]
    both = provider.jobs(limit=None, job_tags=[tag, "even"], job_tags_operator="AND")
    assert [job.name() for job in both] == ["page-6", "page-4", "page-2", "page-0"]
    named = provider.jobs(limit=None, job_tags=[tag], job_name="^page-[12]$")
    assert sorted((job.name() for job in named), key=str) == ["page-1", "page-2"]
    done = provider.jobs(limit=None, job_tags=[tag], status="done", backend_name=SIMULATOR)
    assert len(done) == 7
    assert provider.jobs(job_tags=[tag], status=[JobStatus.QUEUED, JobStatus.ERROR]) == []
    window = provider.jobs(
        limit=None,
        job_tags=[tag],
        start_datetime=jobs[2].creation_date(),
        end_datetime=jobs[4].creation_date(),
    )
    assert [job.job_id() for job in window] == newest_first[2:5]
    excluded = provider.jobs(
        limit=None, job_tags=[tag], db_filter={"id": {"neq": jobs[3].job_id()}}
    )
    assert jobs[3].job_id() not in [job.job_id() for job in excluded] and len(excluded) == 6
    with pytest.raises(IBMQBackendValueError, match="not a valid status value"):
        provider.jobs(status="finished")


def test_cursor_paging_on_the_server_returns_each_job_once(
    provider: AccountProvider, simulator: IBMQBackend
) -> None:
    tag = unique_tag("pages")
    jobs = _submit_tagged(simulator, tag, 7)
    api = simulator._api

    for page_size in (1, 2, 3):
        records = fetch_jobs(
            api.jobs_page, jobs_where(job_tags=[tag]), limit=None, page_size=page_size
        )
        assert sorted(record.job_id for record in records) == sorted(j.job_id() for j in jobs)
        assert len(records) == 7


def test_paging_survives_creation_dates_shared_across_pages(
    server_factory: Callable[..., ServerThread],
) -> None:
    # This server truncates creation dates to whole seconds: most jobs share their date,
    # which made the original client repeat jobs across pages.
    server = server_factory(faults=["paging_repeats"])
    with demo_provider(server) as provider:
        backend = provider.get_backend(SIMULATOR)
        tag = unique_tag("same-date")
        started = dt.datetime.now(dt.UTC)
        jobs = _submit_tagged(backend, tag, 6)
        assert (dt.datetime.now(dt.UTC) - started).total_seconds() < 5
        api = backend._api

        records = fetch_jobs(api.jobs_page, jobs_where(job_tags=[tag]), limit=None, page_size=2)

        ids = [record.job_id for record in records]
        assert len(ids) == len(set(ids)) == 6
        assert set(ids) == {job.job_id() for job in jobs}


def test_a_listed_job_fetches_what_the_listing_left_out(
    provider: AccountProvider, simulator: IBMQBackend
) -> None:
    tag = unique_tag("projected")
    [submitted] = _submit_tagged(simulator, tag, 1)
    retrieved = provider.retrieve_job(submitted.job_id())

    [listed] = simulator.jobs(limit=1, job_tags=[tag])

    # The listing carries what the accessors and result() read, and no more.
    assert listed._record.partial and "summaryData" not in listed._record.extra
    assert (listed.name(), listed.tags(), listed.status()) == (
        "page-0",
        [tag, "even"],
        JobStatus.DONE,
    )
    assert listed.result().get_counts() == retrieved.result().get_counts()
    # What it left out comes with the full document, on first access.
    assert listed.summary_data_ == retrieved.summary_data_
    assert listed.to_dict()["end_date"] == retrieved.to_dict()["end_date"]
    assert listed.to_dict().keys() == retrieved.to_dict().keys()
