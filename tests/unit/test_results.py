"""The result rules (reference 11.3-11.5), table-driven over ResultStore."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from qiskit.providers import JobStatus

from ibmqjob._api.records import ErrorRecord
from ibmqjob._results import (
    ResultContext,
    ResultStore,
    cancelled_message,
    choose_error_message,
    error_report,
    failure_message,
    format_job_error,
)
from ibmqjob.exceptions import (
    IBMQJobApiError,
    IBMQJobFailureError,
    IBMQJobInvalidStateError,
    RequestsApiError,
)
from tests.unit.fake_job_api import FakeJobApi, result_document

STATUS = {
    "COMPLETED": JobStatus.DONE,
    "CANCELLED": JobStatus.CANCELLED,
    "ERROR_RUNNING_JOB": JobStatus.ERROR,
    "ERROR_VALIDATING_JOB": JobStatus.ERROR,
    "ERROR_CREATING_JOB": JobStatus.ERROR,
    "ERROR_TRANSPILING_JOB": JobStatus.ERROR,
}


@dataclass
class Case:
    api_status: str
    successes: list[bool] | None  # the stored result's experiments; None: no result
    partial: bool
    expected: str  # "result", or the exception class name
    downloads: int


CASES = {
    "done": Case("COMPLETED", [True, True], False, "result", 1),
    "done, no result": Case("COMPLETED", None, False, "IBMQJobApiError", 1),
    "cancelled": Case("CANCELLED", [True], False, "IBMQJobInvalidStateError", 0),
    "cancelled, partial": Case("CANCELLED", [True], True, "IBMQJobInvalidStateError", 0),
    "failed": Case("ERROR_RUNNING_JOB", [True, False], False, "IBMQJobFailureError", 0),
    "failed, partial": Case("ERROR_RUNNING_JOB", [True, False], True, "result", 1),
    "failed, partial, all failed": Case(
        "ERROR_RUNNING_JOB", [False, False], True, "IBMQJobFailureError", 1
    ),
    "failed, partial, no result": Case("ERROR_RUNNING_JOB", None, True, "IBMQJobFailureError", 1),
    "validation error, partial": Case(
        "ERROR_VALIDATING_JOB", [True], True, "IBMQJobFailureError", 0
    ),
    "creation error, partial": Case("ERROR_CREATING_JOB", [True], True, "IBMQJobFailureError", 0),
    "transpiling error, partial": Case(
        "ERROR_TRANSPILING_JOB", [True], True, "IBMQJobFailureError", 0
    ),
}


def setup(
    api_status: str, successes: list[bool] | None, kind: str | None = None
) -> tuple[FakeJobApi, ResultContext]:
    api = FakeJobApi()
    job_id = api.add([api_status], kind=kind or "q-object-external-storage")
    if successes is not None:
        api.jobs[job_id].result = result_document(job_id, successes)
    ctx = ResultContext(
        job_id, api_status, STATUS[api_status], kind or "q-object-external-storage", {}
    )
    return api, ctx


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_result_rules(case: Case) -> None:
    api, ctx = setup(case.api_status, case.successes)
    store = ResultStore()

    def run() -> Any:
        return store.final_result(
            ctx, lambda: api, partial=case.partial, refresh=False, error_message=lambda: "boom"
        )

    if case.expected == "result":
        result = run()
        assert result.results and any(r.success for r in result.results)
        assert run() is result  # cached
    else:
        with pytest.raises(Exception) as info:
            run()
        assert type(info.value).__name__ == case.expected
    assert api.count("job_result") == case.downloads


def test_refresh_downloads_again() -> None:
    api, ctx = setup("COMPLETED", [True])
    store = ResultStore()
    first = store.final_result(ctx, lambda: api, partial=False, refresh=False, error_message=str)
    second = store.final_result(ctx, lambda: api, partial=False, refresh=True, error_message=str)
    assert first is not second and first.to_dict() == second.to_dict()
    assert api.count("job_result") == 2 and api.count("job_result_downloaded") == 2


def test_download_errors_are_swallowed_only_for_failed_or_cancelled_jobs() -> None:
    for api_status, raises in (
        ("COMPLETED", True),
        ("ERROR_RUNNING_JOB", False),
        ("CANCELLED", False),
    ):
        api, ctx = setup(api_status, [True])
        api.fail("job_result", RequestsApiError("500 Server Error", 500))
        store = ResultStore()

        def get_api(api: FakeJobApi = api) -> FakeJobApi:
            return api

        if raises:
            with pytest.raises(IBMQJobApiError, match="Unable to retrieve result for job"):
                store.retrieve(ctx, get_api)
        else:
            store.retrieve(ctx, get_api)
            assert store.result is None


def test_inline_results_and_unknown_kind() -> None:
    api, _ = setup("COMPLETED", [True], kind="q-object")
    job_id = next(iter(api.jobs))
    ctx = ResultContext(job_id, "COMPLETED", JobStatus.DONE, "q-object", {})
    store = ResultStore()
    store.retrieve(ctx, lambda: api)
    assert store.result is not None and api.count("job_result") == 0
    # Unknown kind, no inline result: object storage is tried.
    api2, _ = setup("COMPLETED", [True])
    job2 = next(iter(api2.jobs))
    ctx2 = ResultContext(job2, "COMPLETED", JobStatus.DONE, None, {})
    store2 = ResultStore()
    store2.retrieve(ctx2, lambda: api2)
    assert store2.result is not None and api2.count("job_result") == 1


def test_client_version_is_added_to_the_result() -> None:
    api, ctx = setup("COMPLETED", [True])
    ctx = ResultContext(ctx.job_id, ctx.api_status, ctx.status, ctx.kind, {"ibmqjob": "0.1"})
    store = ResultStore()
    store.retrieve(ctx, lambda: api)
    assert store.result is not None
    assert store.result.to_dict()["client_version"] == {"ibmqjob": "0.1"}


def test_unsupported_format_depends_on_kind() -> None:
    ctx = ResultContext("j", "COMPLETED", JobStatus.DONE, None, {})
    with pytest.raises(IBMQJobInvalidStateError, match="unsupported format"):
        ResultStore().set_raw(ctx, {"weird": 1})
    ctx = ResultContext("j", "COMPLETED", JobStatus.DONE, "q-object", {})
    with pytest.raises(IBMQJobApiError, match="invalid result"):
        ResultStore().set_raw(ctx, {"weird": 1})
    failed = ResultContext("j", "ERROR_RUNNING_JOB", JobStatus.ERROR, "q-object", {})
    store = ResultStore()
    store.set_raw(failed, {"error": {"message": "Device down", "code": 5201}})
    assert store.result is None and store.error_message == "Device down. Error code: 5201."


@pytest.mark.parametrize(
    ("from_result", "job_error", "api_status", "message"),
    [
        ("The following experiments failed:\nExperiment 0: x", None, "ERROR_RUNNING_JOB", None),
        (
            None,
            ErrorRecord("Bad shots", 1109),
            "ERROR_VALIDATING_JOB",
            "Bad shots. Error code: 1109.",
        ),
        (
            None,
            ErrorRecord("Text code", "GENERIC_ERROR"),
            "ERROR",
            "Text code. Error code: GENERIC_ERROR.",
        ),
        (None, None, "ERROR_RUNNING_JOB", "ERROR_RUNNING_JOB"),
        (None, None, "WEIRD_FAILURE", "Unknown error."),
    ],
)
def test_error_message_precedence(
    from_result: str | None, job_error: ErrorRecord | None, api_status: str, message: str | None
) -> None:
    expected = message or from_result
    assert choose_error_message("j", from_result, job_error, api_status) == expected


@pytest.mark.parametrize("error", [ErrorRecord("no code"), ErrorRecord(None, 1234)])
def test_incomplete_error_data(error: ErrorRecord) -> None:
    with pytest.raises(IBMQJobApiError, match="Failed to get error message for job j"):
        format_job_error("j", error)


def test_error_report() -> None:
    results: list[dict[str, Any]] = [
        {"success": True, "status": "DONE"},
        {"success": False, "status": "ERROR: out of memory"},
        {"status": "no success key"},
    ]
    assert error_report(results) == (
        "The following experiments failed:\n"
        "Experiment 1: ERROR: out of memory\n"
        "Experiment 2: no success key"
    )


def test_messages() -> None:
    assert cancelled_message("j1") == "Unable to retrieve result for job j1. Job was cancelled."
    assert failure_message("j1", "Bad shots. Error code: 1109.") == (
        "Unable to retrieve result for job j1. Job has failed: Bad shots. Error code: 1109."
    )
    assert failure_message("j1", "line 1\nline 2") == (
        "Unable to retrieve result for job j1. Job has failed. "
        "Use the error_message() method to get more details"
    )


def test_failure_error_uses_the_error_message_callback() -> None:
    api, ctx = setup("ERROR_RUNNING_JOB", None)
    with pytest.raises(IBMQJobFailureError, match="Job has failed: custom"):
        ResultStore().final_result(
            ctx, lambda: api, partial=False, refresh=False, error_message=lambda: "custom"
        )
