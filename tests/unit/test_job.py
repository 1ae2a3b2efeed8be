"""IBMQJob against a scripted fake API: status, waiting, results, errors, queue info."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from qiskit.providers import JobStatus
from qiskit.result import Result

from ibmqjob.exceptions import (
    IBMQJobApiError,
    IBMQJobFailureError,
    IBMQJobInvalidStateError,
    IBMQJobTimeoutError,
    RequestsApiError,
    UserTimeoutExceededError,
)
from ibmqjob.queueinfo import QueueInfo
from tests.unit.fake_job_api import (
    FakeClock,
    FakeJobApi,
    make_job,
    queue_info,
    result_document,
)

NOMINAL = ["CREATING", "CREATED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "COMPLETED"]


@pytest.fixture
def api() -> FakeJobApi:
    return FakeJobApi()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def completed_job(api: FakeJobApi, clock: FakeClock, **attributes: Any) -> Any:
    job_id = api.add(NOMINAL, **attributes)
    attributes.setdefault("result", None)
    if api.jobs[job_id].result is None:
        api.jobs[job_id].result = result_document(job_id, [True, True])
    return make_job(api, job_id, clock)


# ------------------------------------------------------------------------- status


def test_status_advances_one_state_per_query_and_maps_to_jobstatus(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job = completed_job(api, clock)
    seen = [job.status() for _ in range(6)]
    assert seen == [
        JobStatus.INITIALIZING,
        JobStatus.VALIDATING,
        JobStatus.VALIDATING,
        JobStatus.QUEUED,
        JobStatus.RUNNING,
        JobStatus.DONE,
    ]
    assert job.done() and job.in_final_state() and not job.running() and not job.cancelled()


def test_status_of_a_final_job_makes_no_request(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    job.wait_for_final_state()
    api.calls.clear()
    for _ in range(3):
        assert job.status() is JobStatus.DONE
    assert job.done() and job.in_final_state()
    assert api.calls == []


def test_reaching_a_final_status_refreshes_the_job(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["RUNNING", "COMPLETED"], name="bell", tags=["a"])
    job = make_job(api, job_id, clock)
    api.jobs[job_id].name = "renamed-on-server"
    assert job.status() is JobStatus.DONE
    assert api.count("job_get") == 1
    assert job.name() == "renamed-on-server"


def test_unknown_status_never_crashes(
    api: FakeJobApi, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    job_id = api.add(["QUEUED", "SOMETHING_NEW", "ERROR_SOMETHING_NEW"])
    job = make_job(api, job_id, clock)
    assert job.status() is JobStatus.QUEUED  # kept from before, not a crash
    assert "SOMETHING_NEW" in caplog.text
    assert job.status() is JobStatus.ERROR
    assert job.error_message() == "ERROR_SOMETHING_NEW"


def test_status_api_error_becomes_job_api_error(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    api.fail("job_status", RequestsApiError("503 Server Error", 503))
    with pytest.raises(IBMQJobApiError, match="503 Server Error") as info:
        job.status()
    assert isinstance(info.value.__cause__, RequestsApiError)


def test_refresh_rejects_a_missing_job(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    del api.jobs[job.job_id()]
    with pytest.raises(IBMQJobApiError, match=r"Unexpected return value .* 3250"):
        job.refresh()


# ------------------------------------------------------------------------- results


def test_result_waits_then_downloads_once_and_caches(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    result = job.result()
    assert isinstance(result, Result) and result.success
    assert result.get_counts(0) == {"0": 500, "11": 524}
    assert api.count("job_result") == 1 and api.count("job_result_downloaded") == 1
    assert job.result() is result
    assert api.count("job_result") == 1
    refreshed = job.result(refresh=True)
    assert refreshed is not result and refreshed.to_dict() == result.to_dict()
    assert api.count("job_result") == 2


def test_result_date_is_local_time(api: FakeJobApi, clock: FakeClock, local_tz: None) -> None:
    result = completed_job(api, clock).result()
    assert result.date.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert result.date == dt.datetime(2024, 5, 1, 12, 5, tzinfo=dt.UTC)


def test_inline_job_result_comes_from_the_job_document(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock, kind="q-object")
    result = job.result()
    assert result.success
    assert api.count("job_result") == 0
    job.result(refresh=True)  # the original read a renamed key here and failed
    assert api.count("job_result") == 0 and api.count("job_get") >= 2


def test_result_downloaded_failure_is_only_logged(
    api: FakeJobApi, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    api.result_downloaded_error = RequestsApiError("500 Server Error", 500)
    job = completed_job(api, clock)
    assert job.result().success
    assert "was downloaded" in caplog.text


def test_result_download_error_on_done_job_raises(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    api.fail("job_result", RequestsApiError("502 Bad Gateway", 502))
    with pytest.raises(IBMQJobApiError, match=r"Unable to retrieve result for job \w+: 502"):
        job.result()


def test_result_of_cancelled_job(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["QUEUED", "CANCELLED"])
    job = make_job(api, job_id, clock)
    with pytest.raises(
        IBMQJobInvalidStateError,
        match=f"^'Unable to retrieve result for job {job_id}. Job was cancelled.'$",
    ):
        job.result()
    assert api.count("job_result") == 0


def test_failed_job_with_partial_results(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["RUNNING", "ERROR_RUNNING_JOB"])
    api.jobs[job_id].result = result_document(job_id, [True, False, False])
    job = make_job(api, job_id, clock)
    with pytest.raises(IBMQJobFailureError) as info:
        job.result()
    assert info.value.message == (
        f"Unable to retrieve result for job {job_id}. Job has failed. "
        "Use the error_message() method to get more details"
    )
    partial = job.result(partial=True)
    assert not partial.success and partial.get_counts(0) == {"0": 500, "11": 524}
    assert job.error_message() == (
        "The following experiments failed:\n"
        "Experiment 1: ERROR: experiment 1 failed\n"
        "Experiment 2: ERROR: experiment 2 failed"
    )


def test_partial_needs_a_successful_experiment(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["RUNNING", "ERROR_RUNNING_JOB"])
    api.jobs[job_id].result = result_document(job_id, [False])
    job = make_job(api, job_id, clock)
    with pytest.raises(IBMQJobFailureError):
        job.result(partial=True)


def test_validation_error_never_fetches_a_result(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(
        ["VALIDATING", "ERROR_VALIDATING_JOB"],
        error={"message": "Shots out of range", "code": 1109},
    )
    job = make_job(api, job_id, clock)
    with pytest.raises(IBMQJobFailureError) as info:
        job.result(partial=True)
    assert info.value.message == (
        f"Unable to retrieve result for job {job_id}. Job has failed: "
        "Shots out of range. Error code: 1109."
    )
    assert job.error_message() == "Shots out of range. Error code: 1109."
    assert api.count("job_result") == 0


def test_error_message_falls_back_to_raw_status(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["RUNNING", "ERROR_RUNNING_JOB"])
    job = make_job(api, job_id, clock)
    assert job.error_message() == "ERROR_RUNNING_JOB"


def test_error_message_is_none_unless_failed(api: FakeJobApi, clock: FakeClock) -> None:
    assert completed_job(api, clock).error_message() is None


def test_error_message_with_invalid_error_data(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["ERROR_CREATING_JOB"], error={"message": "no code"})
    job = make_job(api, job_id, clock)
    with pytest.raises(IBMQJobApiError, match="Failed to get error message"):
        job.error_message()


def test_unsupported_result_format(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["RUNNING", "COMPLETED"], kind=None, result={"weird": True})
    job = make_job(api, job_id, clock)
    with pytest.raises(IBMQJobInvalidStateError, match="unsupported format"):
        job.result()


def test_done_job_without_any_result(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["RUNNING", "COMPLETED"])
    job = make_job(api, job_id, clock)
    with pytest.raises(IBMQJobApiError, match="Unable to retrieve result"):
        job.result()


# ------------------------------------------------------------------------- waiting


def test_result_timeout_on_a_slow_queue(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add([("QUEUED", queue_info(p)) for p in range(50, 0, -1)])
    job = make_job(api, job_id, clock)
    start = clock.now
    with pytest.raises(IBMQJobTimeoutError, match=f"Timeout while waiting for job {job_id}"):
        job.result(timeout=12, wait=5)
    assert clock.now - start == pytest.approx(12)
    assert clock.sleeps == [5, 5, 2]
    assert api.count("job_status") == 4


def test_timeout_zero_checks_once(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["QUEUED"] * 3)
    job = make_job(api, job_id, clock)
    with pytest.raises(IBMQJobTimeoutError):
        job.wait_for_final_state(timeout=0)
    assert api.count("job_status") == 1 and clock.sleeps == []


def test_wait_network_error(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    api.fail("job_status", RequestsApiError("Connection refused", -1))
    with pytest.raises(IBMQJobApiError, match="Error checking job status due to a network error"):
        job.result()


def test_callback_on_change_only_never_for_final(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    calls: list[tuple[Any, ...]] = []

    def callback(job_id: str, status: JobStatus, job_: Any, **kwargs: Any) -> None:
        calls.append((job_id, status, job_, kwargs))

    job.wait_for_final_state(callback=callback)
    assert [c[1] for c in calls] == [
        JobStatus.INITIALIZING,
        JobStatus.VALIDATING,
        JobStatus.QUEUED,
        JobStatus.RUNNING,
    ]
    assert all(c[0] == job.job_id() and c[2] is job for c in calls)
    assert set(calls[0][3]) == {"queue_info"}
    assert job.status() is JobStatus.DONE


def test_callback_every_n_seconds(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["QUEUED", "QUEUED", "QUEUED", "RUNNING", "COMPLETED"])
    job = make_job(api, job_id, clock)
    times: list[float] = []
    job.wait_for_final_state(wait=2, callback=lambda *a, **k: times.append(clock.now))
    # Polls every 5 s (0, 5, 10, 15); callbacks about every 2 s until the final status.
    start = times[0] - 2
    assert [t - start for t in times] == [2, 4, 6, 8, 10, 12, 14]


def test_callback_gets_queue_info(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["CREATING", "CREATED", ("QUEUED", queue_info(3)), ("QUEUED", queue_info(2))])
    api.jobs[job_id].script.append(("RUNNING", None))
    api.jobs[job_id].script.append(("COMPLETED", None))
    job = make_job(api, job_id, clock)
    infos: list[QueueInfo | None] = []
    job.wait_for_final_state(callback=lambda *a, queue_info: infos.append(queue_info))
    assert [i.position if i else None for i in infos] == [None, 3, 2, None]


# ------------------------------------------------------------------------- queue info


def test_queue_position_and_info(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["CREATING", ("QUEUED", queue_info(7)), "RUNNING"])
    job = make_job(api, job_id, clock)
    assert job.queue_position() is None
    assert job.queue_position(refresh=True) == 7
    info = job.queue_info()  # queries again: the job is now RUNNING
    assert info is None and job.queue_position() is None


def test_queue_info_needs_a_public_value(api: FakeJobApi, clock: FakeClock) -> None:
    only_times = {"status": "PENDING_IN_QUEUE", "estimatedStartTime": "2024-05-01T12:10:00Z"}
    job_id = api.add(["CREATING", ("QUEUED", only_times), ("QUEUED", queue_info(1))])
    job = make_job(api, job_id, clock)
    assert job.queue_info() is None  # estimated times alone do not count
    info = job.queue_info()
    assert info is not None and info.position == 1 and info.job_id == job_id


def test_queue_info_ignored_unless_status_is_exactly_queued(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job_id = api.add(["CREATING", ("RUNNING", queue_info(4))])
    job = make_job(api, job_id, clock)
    assert job.queue_info() is None


# ------------------------------------------------------------------------- cancel


def test_cancel(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["QUEUED"] * 5)
    job = make_job(api, job_id, clock)
    assert job.cancel() is True
    assert job.status() is JobStatus.CANCELLED and job.cancelled()
    assert job.cancel() is False


def test_cancel_api_error(api: FakeJobApi, clock: FakeClock) -> None:
    job = completed_job(api, clock)
    api.fail("job_cancel", RequestsApiError("500 Server Error", 500))
    with pytest.raises(IBMQJobApiError, match="Unexpected error when cancelling job"):
        job.cancel()


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_final_status_is_never_undone_by_a_stale_document(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job_id = api.add(["RUNNING", "COMPLETED"])
    job = make_job(api, job_id, clock)
    assert job.status() is JobStatus.DONE
    api.jobs[job_id].index = 0  # a lagging replica answers with the old document
    job.refresh()
    assert job.status() is JobStatus.DONE and job.done()


# The requests result() makes (it no longer fetches the job document after the final status).
@pytest.mark.parametrize("method", ["job_status", "job_result"])
def test_a_request_cut_short_by_the_deadline_is_a_timeout(
    api: FakeJobApi, clock: FakeClock, method: str
) -> None:
    job_id = api.add(["RUNNING", "COMPLETED"])
    api.jobs[job_id].result = result_document(job_id, [True])
    job = make_job(api, job_id, clock)
    api.fail(method, UserTimeoutExceededError("no complete answer before the deadline of the call"))

    with pytest.raises(IBMQJobTimeoutError, match=f"Timeout while waiting for job {job_id}"):
        job.result(timeout=30)


def test_the_deadline_of_result_reaches_the_requests_made_inside(
    api: FakeJobApi, clock: FakeClock
) -> None:
    from ibmqjob._api.deadline import current_deadline

    seen: list[float | None] = []
    job_id = api.add(["RUNNING", "COMPLETED"])
    job = make_job(api, job_id, clock)
    status = api.job_status

    def spying(job_id: str) -> Any:
        deadline = current_deadline()
        seen.append(None if deadline is None else deadline.at)
        return status(job_id)

    api.job_status = spying  # type: ignore[method-assign]
    start = clock.now
    job.wait_for_final_state(timeout=7)
    job_id2 = api.add(["RUNNING", "COMPLETED"])
    make_job(api, job_id2, clock).status()

    assert seen[:-1] and all(at == start + 7 for at in seen[:-1])
    assert seen[-1] is None  # no deadline outside a blocking call
