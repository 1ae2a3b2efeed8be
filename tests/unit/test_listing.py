"""Job listing: where clauses built from ``jobs()`` arguments, and cursor paging."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Generic, TypeVar

import pytest
from qiskit.providers import JobStatus

from ibmqjob._api.records import JobIdRecord, JobRecord
from ibmqjob._listing import Listed, fetch_jobs, jobs_where
from ibmqjob.exceptions import ApiIBMQProtocolError, IBMQBackendValueError

T0 = dt.datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=dt.UTC)
Item = TypeVar("Item", bound=Listed)


# ----------------------------------------------------------------------- where clauses


@pytest.mark.parametrize(
    ("status", "clause"),
    [
        (JobStatus.INITIALIZING, {"inq": ["CREATING", "CREATED", "TRANSPILING", "TRANSPILED"]}),
        (JobStatus.VALIDATING, {"inq": ["VALIDATING", "VALIDATED"]}),
        (JobStatus.QUEUED, "QUEUED"),
        (JobStatus.RUNNING, "RUNNING"),
        (JobStatus.CANCELLED, "CANCELLED"),
        (JobStatus.DONE, "COMPLETED"),
        (JobStatus.ERROR, {"regexp": "^ERROR"}),
        ("done", "COMPLETED"),
        ("Queued", "QUEUED"),
    ],
)
def test_one_status(status: JobStatus | str, clause: Any) -> None:
    assert jobs_where(status=status) == {"status": clause}


def test_a_list_of_statuses_is_an_or() -> None:
    assert jobs_where(status=[JobStatus.QUEUED, "error"]) == {
        "or": [{"status": "QUEUED"}, {"status": {"regexp": "^ERROR"}}]
    }


@pytest.mark.parametrize("status", ["FINISHED", 3, [], ["DONE", "nope"]])
def test_invalid_statuses_are_rejected_with_the_valid_names(status: Any) -> None:
    with pytest.raises(IBMQBackendValueError) as info:
        jobs_where(status=status)
    assert "INITIALIZING" in info.value.message or "status needs to be" in info.value.message


def test_every_argument_has_its_clause() -> None:
    where = jobs_where(
        backend_name="sim",
        job_name="^bell",
        job_tags=["a", "b"],
        experiment_id="exp",
    )
    assert where == {
        "backend.name": "sim",
        "name": {"regexp": "^bell"},
        "tags": {"inq": ["a", "b"]},
        "experimentTag": "exp",
    }


def test_tags_with_and() -> None:
    where = jobs_where(job_tags=["a", "b"], job_tags_operator="and")
    assert where == {"and": [{"tags": "a"}, {"tags": "b"}]}


@pytest.mark.parametrize(
    ("tags", "operator", "message"),
    [
        (["a"], "XOR", '"XOR" is not a valid job_tags_operator value'),
        ("a", "OR", "job_tags needs to be a list or strings."),
        (["a", 1], "OR", "job_tags needs to be a list or strings."),
    ],
)
def test_invalid_tags(tags: Any, operator: str, message: str) -> None:
    with pytest.raises(IBMQBackendValueError, match=message):
        jobs_where(job_tags=tags, job_tags_operator=operator)


def test_dates_are_sent_in_utc_and_naive_ones_are_local_time() -> None:
    start = dt.datetime(2024, 5, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    naive = dt.datetime(2024, 5, 2, 9, 30)
    expected_end = naive.astimezone(dt.UTC).isoformat()

    assert jobs_where(start_datetime=start) == {
        "creationDate": {"gte": "2024-05-01T12:00:00+00:00"}
    }
    assert jobs_where(end_datetime=naive) == {"creationDate": {"lte": expected_end}}
    assert jobs_where(start_datetime=start, end_datetime=naive) == {
        "creationDate": {"between": ["2024-05-01T12:00:00+00:00", expected_end]}
    }
    with pytest.raises(IBMQBackendValueError, match="start_datetime needs to be a datetime"):
        jobs_where(start_datetime="2024-05-01")  # type: ignore[arg-type]


def test_db_filter_is_merged_under_the_arguments() -> None:
    db_filter = {
        "name": "overridden",
        "or": [{"tags": "x"}],
        "summaryData.summary.qobj_config.n_qubits": 2,
    }
    where = jobs_where(job_name="kept", status=[JobStatus.DONE], db_filter=db_filter)

    assert where == {
        "name": {"regexp": "kept"},
        "or": [{"status": "COMPLETED"}, {"tags": "x"}],
        "summaryData.summary.qobj_config.n_qubits": 2,
    }
    assert db_filter["or"] == [{"tags": "x"}], "the caller's filter is not modified"


def test_wrong_types_are_rejected() -> None:
    with pytest.raises(IBMQBackendValueError, match="job_name needs to be a string"):
        jobs_where(job_name=3)  # type: ignore[arg-type]
    with pytest.raises(IBMQBackendValueError, match="db_filter needs to be a dict"):
        jobs_where(db_filter=[1])  # type: ignore[arg-type]


# ----------------------------------------------------------------------- paging


class FakeListing(Generic[Item]):
    """Serves pages of jobs like the reference server: order, limit, skip and the cursor."""

    def __init__(self, jobs: list[Item], max_page: int | None = None) -> None:
        self.jobs = jobs
        self.max_page = max_page
        self.filters: list[dict[str, Any]] = []

    def __call__(self, loopback_filter: dict[str, Any]) -> list[Item]:
        self.filters.append(loopback_filter)
        descending = loopback_filter["order"] == "creationDate DESC"
        # Equal dates come back in an arbitrary (here: shuffled) order on every request.
        jobs = random.sample(self.jobs, len(self.jobs))
        jobs.sort(key=lambda job: job.creation_date, reverse=descending)
        matching = [job for job in jobs if _matches(job, loopback_filter["where"])]
        skip = loopback_filter.get("skip", 0)
        limit = loopback_filter["limit"]
        if self.max_page is not None:
            limit = min(limit, self.max_page)
        return matching[skip : skip + limit]


def _matches(job: Listed, where: dict[str, Any]) -> bool:
    for key, value in where.items():
        if key == "and":
            if not all(_matches(job, clause) for clause in value):
                return False
        elif key == "creationDate":
            ((operator, bound),) = value.items()
            instant = dt.datetime.fromisoformat(bound)
            if operator == "lte" and not job.creation_date <= instant:
                return False
            if operator == "gte" and not job.creation_date >= instant:
                return False
        elif key == "id":
            if job.job_id in value["nin"]:
                return False
        elif key == "backend.name":
            # Only job records name their backend (an id document does not).
            if not isinstance(job, JobRecord) or job.backend_name != value:
                return False
        else:
            raise AssertionError(f"unexpected clause {key}")
    return True


def _jobs(count: int, distinct_dates: int) -> list[JobRecord]:
    return [
        JobRecord(
            job_id=f"{index:024x}",
            creation_date=T0 + dt.timedelta(milliseconds=index % distinct_dates),
            status="COMPLETED",
            backend_name="sim",
        )
        for index in range(count)
    ]


@pytest.mark.parametrize("limit", [0, None, 7, 25])
@pytest.mark.parametrize("distinct_dates", [1, 3, 40])
@pytest.mark.parametrize("descending", [True, False])
def test_paging_returns_each_job_once_in_order(
    limit: int | None, distinct_dates: int, descending: bool
) -> None:
    jobs = _jobs(40, distinct_dates)
    server = FakeListing(jobs, max_page=4)

    listed = fetch_jobs(server, {}, limit=limit, descending=descending, page_size=5)

    ids = [job.job_id for job in listed]
    expected = len(jobs) if not limit else min(limit, len(jobs))
    assert len(ids) == expected
    assert len(set(ids)) == len(ids), "no job twice"
    dates = [job.creation_date for job in listed]
    assert dates == sorted(dates, reverse=descending)
    if not limit:
        assert set(ids) == {job.job_id for job in jobs}, "no job missing"


def test_the_first_page_asks_for_the_limit_and_the_skip_then_cursors() -> None:
    server = FakeListing(_jobs(10, 10))

    listed = fetch_jobs(server, {"backend.name": "sim"}, limit=6, skip=2)

    assert len(listed) == 6
    first = server.filters[0]
    assert first == {
        "order": "creationDate DESC",
        "limit": 6,
        "skip": 2,
        "where": {"backend.name": "sim"},
    }
    assert len(server.filters) == 1


def test_a_user_date_range_is_combined_with_the_cursor() -> None:
    server = FakeListing(_jobs(6, 6), max_page=2)
    where = {"creationDate": {"lte": (T0 + dt.timedelta(days=1)).isoformat()}}

    listed = fetch_jobs(server, where, limit=None)

    assert len(listed) == 6
    cursor = server.filters[1]["where"]
    assert cursor["creationDate"] == where["creationDate"]
    assert cursor["and"][0]["creationDate"]["lte"] == listed[1].creation_date.isoformat()
    assert cursor["and"][1] == {"id": {"nin": [listed[1].job_id]}}


def test_a_server_ignoring_the_cursor_does_not_loop_forever() -> None:
    jobs = _jobs(3, 3)

    def stubborn(loopback_filter: dict[str, Any]) -> list[JobRecord]:
        return jobs[:2]

    assert [job.job_id for job in fetch_jobs(stubborn, {}, limit=None)] == [
        job.job_id for job in jobs[:2]
    ]


@pytest.mark.parametrize(("limit", "skip"), [(-1, 0), ("3", 0), (3, -2), (3, None)])
def test_bad_limit_or_skip(limit: Any, skip: Any) -> None:
    with pytest.raises(IBMQBackendValueError, match="non-negative integer"):
        fetch_jobs(lambda f: [], {}, limit=limit, skip=skip)


def test_id_documents_page_like_jobs_and_are_kept_as_sent() -> None:
    documents = [
        {
            "id": f"{index:024x}",
            "creationDate": (T0 + dt.timedelta(milliseconds=index % 3)).isoformat(),
            "liveDataEnabled": None,
        }
        for index in range(9)
    ]
    server = FakeListing([JobIdRecord.from_wire(doc) for doc in documents], max_page=2)

    listed = fetch_jobs(server, {}, limit=None)

    assert sorted(record.job_id for record in listed) == [doc["id"] for doc in documents]
    assert all(dict(record.document) in documents for record in listed)
    dates = [record.creation_date for record in listed]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "item", [{"creationDate": T0.isoformat()}, {"id": "a" * 24}, {"id": 3}, "x", None]
)
def test_an_id_document_needs_an_id_and_a_creation_date(item: Any) -> None:
    with pytest.raises(ApiIBMQProtocolError):
        JobIdRecord.from_wire(item)
