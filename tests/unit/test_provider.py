"""``AccountProvider`` over a fake ``ProjectApi``: backends, jobs and job retrieval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ibmqjob._api import ProjectApi
from ibmqjob._api.records import JobRecord, ProjectRef
from ibmqjob.backend import IBMQBackend, IBMQRetiredBackend
from ibmqjob.exceptions import (
    IBMQBackendApiError,
    IBMQBackendError,
    IBMQJobInvalidStateError,
    RequestsApiError,
)
from ibmqjob.job import IBMQJob
from ibmqjob.provider import AccountProvider, IBMQBackendService
from tests.unit.fake_job_api import FakeProjectApi, configuration

CREATED = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
REF = ProjectRef("h", "g", "p")


def record(job_id: str, backend: str | None, seconds: int = 0, **extra: Any) -> JobRecord:
    return JobRecord(
        job_id,
        CREATED + dt.timedelta(seconds=seconds),
        "COMPLETED",
        kind="q-object-external-storage",
        backend_name=backend,
        **extra,
    )


@pytest.fixture
def service() -> FakeProjectApi:
    return FakeProjectApi([configuration("sim_a"), configuration("sim_b", simulator=False)])


@pytest.fixture
def provider(service: FakeProjectApi) -> AccountProvider:
    return AccountProvider(REF, service)


def test_the_fake_implements_the_protocol(service: FakeProjectApi) -> None:
    assert isinstance(service, ProjectApi)


def test_backends_are_discovered_once_and_filtered(
    provider: AccountProvider, service: FakeProjectApi
) -> None:
    assert [b.name() for b in provider.backends()] == ["sim_a", "sim_b"]
    assert [b.name() for b in provider.backends(name="sim_b")] == ["sim_b"]
    assert [b.name() for b in provider.backends(simulator=True)] == ["sim_a"]
    only_a = provider.backends(filters=lambda b: b.name().endswith("a"))
    assert [b.name() for b in only_a] == ["sim_a"]
    assert service.count("backends") == 1
    assert isinstance(provider.get_backend("sim_a"), IBMQBackend)


def test_a_bad_configuration_is_skipped_with_a_warning() -> None:
    bad = {"backend_name": "broken", "n_qubits": "many"}
    dated = configuration("dated", online_date="2024-01-01T00:00:00+00:00")
    provider = AccountProvider(REF, FakeProjectApi([bad, dated, configuration("ok")]))
    with pytest.warns(UserWarning, match="Skipping backend 'broken'"):
        names = [b.name() for b in provider.backends()]
    assert names == ["dated", "ok"]
    assert provider.get_backend("dated").configuration().online_date.year == 2024


def test_backend_listing_failure_is_a_backend_api_error(service: FakeProjectApi) -> None:
    service.backends_error = RequestsApiError("boom", status_code=500)
    with pytest.raises(IBMQBackendApiError, match="Failed to list the backends: boom"):
        AccountProvider(REF, service).backends()


def test_providers_compare_by_hub_group_project(service: FakeProjectApi) -> None:
    first, second = AccountProvider(REF, service), AccountProvider(REF, FakeProjectApi())
    assert first == second and hash(first) == hash(second)
    assert first != AccountProvider(ProjectRef("h", "g", "other"), service)
    assert repr(first) == "<AccountProvider(hub='h', group='g', project='p')>"


def test_jobs_are_built_from_the_listed_records(
    provider: AccountProvider, service: FakeProjectApi
) -> None:
    service.pages = [[record("a" * 24, "sim_a", 2), record("b" * 24, "gone", 1)]]
    jobs = provider.jobs(limit=5, job_tags=["t"], status="DONE")
    assert [job.job_id() for job in jobs] == ["a" * 24, "b" * 24]
    assert all(isinstance(job, IBMQJob) for job in jobs)
    assert jobs[0].backend().name() == "sim_a"
    # A job on a backend the provider no longer offers gets a placeholder backend.
    assert isinstance(jobs[1].backend(), IBMQRetiredBackend)
    assert jobs[1].backend().name() == "gone"
    assert service.filters[0]["where"]["tags"] == {"inq": ["t"]}
    assert service.filters[0]["where"]["status"] == "COMPLETED"


def test_jobs_listing_failure_is_a_backend_api_error(
    provider: AccountProvider, service: FakeProjectApi
) -> None:
    service.jobs_error = RequestsApiError("down", status_code=503)
    with pytest.raises(IBMQBackendApiError, match="down"):
        provider.jobs()


def test_retrieve_job_and_its_failure(provider: AccountProvider, service: FakeProjectApi) -> None:
    job_id = service.add(["COMPLETED"])
    job = provider.retrieve_job(job_id)
    assert job.job_id() == job_id and job.status().name == "DONE"
    with pytest.raises(IBMQBackendApiError, match=f"Failed to get job {'f' * 24}"):
        provider.retrieve_job("f" * 24)


def test_backend_retrieve_job_checks_the_backend(
    provider: AccountProvider, service: FakeProjectApi
) -> None:
    job_id = service.add(["COMPLETED"])
    other = provider.get_backend("sim_b")
    with (
        pytest.warns(UserWarning, match="belongs to another backend"),
        pytest.raises(IBMQBackendError, match="does not belong to backend sim_b"),
    ):
        other.retrieve_job(job_id)


def test_job_from_dict_attaches_the_named_backend(provider: AccountProvider) -> None:
    data = {
        "job_id": "c" * 24,
        "creation_date": "2024-05-01T12:00:00Z",
        "status": "COMPLETED",
        "backend_info": {"name": "sim_b"},
    }
    job = provider.job_from_dict(data)
    assert job.backend().name() == "sim_b"
    assert job.to_dict()["backend_info"] == {"name": "sim_b"}
    unnamed = provider.job_from_dict({**data, "backend_info": None})
    assert unnamed.backend().name() == "unknown"
    with pytest.raises(IBMQJobInvalidStateError, match="without status"):
        provider.job_from_dict({"job_id": "x", "creation_date": "2024-05-01T12:00:00Z"})


def test_backend_service_is_the_original_view(provider: AccountProvider) -> None:
    view = provider.backend
    assert isinstance(view, IBMQBackendService)
    assert view.sim_a.name() == "sim_a"
    assert "sim_b" in dir(view)
    with pytest.raises(AttributeError, match="no backend named 'nope'"):
        _ = view.nope
    with pytest.raises(AttributeError):
        _ = view._private
