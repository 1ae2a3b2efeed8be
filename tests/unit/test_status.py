"""The API status table, unknown statuses, queue information rules and listing filters."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from qiskit.providers import JobStatus

from ibmqjob import status as st

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"

# Reference section 10: every documented API status and its qiskit status.
REFERENCE = {
    "CREATING": JobStatus.INITIALIZING,
    "CREATED": JobStatus.INITIALIZING,
    "TRANSPILING": JobStatus.INITIALIZING,
    "TRANSPILED": JobStatus.INITIALIZING,
    "VALIDATING": JobStatus.VALIDATING,
    "VALIDATED": JobStatus.VALIDATING,
    "QUEUED": JobStatus.QUEUED,
    "PENDING_IN_QUEUE": JobStatus.QUEUED,
    "RUNNING": JobStatus.RUNNING,
    "COMPLETED": JobStatus.DONE,
    "CANCELLED": JobStatus.CANCELLED,
    "ERROR_CREATING_JOB": JobStatus.ERROR,
    "ERROR_VALIDATING_JOB": JobStatus.ERROR,
    "ERROR_RUNNING_JOB": JobStatus.ERROR,
    "ERROR_TRANSPILING_JOB": JobStatus.ERROR,
}


def spec_statuses() -> set[str]:
    schema = yaml.safe_load(SPEC.read_text())["components"]["schemas"]["ApiJobStatus"]
    values = set(schema.get("enum", []))
    match = re.search(r"Documented values:(.*?)\.\s", schema.get("description", ""), re.S)
    if match:
        values |= {v.strip() for v in match.group(1).replace("\n", " ").split(",")}
    return values


def test_table_is_the_reference_table() -> None:
    assert dict(st.API_TO_JOB_STATUS) == REFERENCE


def test_every_status_of_the_spec_is_mapped() -> None:
    documented = spec_statuses()
    assert len(documented) >= 15
    assert documented == set(st.API_TO_JOB_STATUS)


def test_final_statuses() -> None:
    assert st.API_FINAL_STATUSES == {
        "COMPLETED",
        "CANCELLED",
        "ERROR_CREATING_JOB",
        "ERROR_VALIDATING_JOB",
        "ERROR_RUNNING_JOB",
        "ERROR_TRANSPILING_JOB",
    }
    assert set(st.JOB_FINAL_STATES) == {JobStatus.DONE, JobStatus.CANCELLED, JobStatus.ERROR}
    assert all(st.is_final(s) == (s in st.JOB_FINAL_STATES) for s in JobStatus)


@pytest.mark.parametrize(
    ("api_status", "previous", "expected"),
    [
        ("queued", None, JobStatus.QUEUED),
        ("Completed", None, JobStatus.DONE),
        ("BRAND_NEW", None, JobStatus.INITIALIZING),
        ("BRAND_NEW", JobStatus.RUNNING, JobStatus.RUNNING),
        ("ERROR_SOMETHING_ELSE", JobStatus.RUNNING, JobStatus.ERROR),
        ("error", None, JobStatus.ERROR),
        ("", JobStatus.QUEUED, JobStatus.QUEUED),
    ],
)
def test_unknown_statuses_never_raise(
    api_status: str, previous: JobStatus | None, expected: JobStatus
) -> None:
    assert st.api_status_to_job_status(api_status, previous) is expected


def test_unknown_status_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ibmqjob.status"):
        for _ in range(3):
            st.api_status_to_job_status("ONLY_LOGGED_ONCE")
    assert caplog.text.count("ONLY_LOGGED_ONCE") == 1


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
    ],
)
def test_listing_filter(status: JobStatus, clause: str | dict[str, Any]) -> None:
    where = st.api_status_filter(status)
    assert where == {"status": clause}
    if isinstance(clause, dict):
        where["status"].clear()  # a copy: the table itself is untouched
        assert st.api_status_filter(status) == {"status": clause}


def test_listing_filter_selects_exactly_the_mapped_statuses() -> None:
    for status in JobStatus:
        clause = st.api_status_filter(status)["status"]
        for api_status, mapped in st.API_TO_JOB_STATUS.items():
            if api_status == "PENDING_IN_QUEUE":
                continue  # only ever inside infoQueue
            if isinstance(clause, str):
                selected = api_status == clause
            elif "inq" in clause:
                selected = api_status in clause["inq"]
            else:
                selected = re.search(clause["regexp"], api_status) is not None
            assert selected == (mapped is status), (status, api_status)
