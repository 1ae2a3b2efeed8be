"""Decoding of wire documents into the internal records."""

from __future__ import annotations

import datetime as dt

import pytest

from ibmqjob._api import JobApi
from ibmqjob._api.records import (
    ErrorRecord,
    InfoQueueRecord,
    JobRecord,
    StatusRecord,
    WebsocketTarget,
    parse_utc,
    to_python_identifier,
)
from ibmqjob.exceptions import ApiIBMQProtocolError

DOC = {
    "id": "5e0c6a3b2a7c4b0012c1a1f2",
    "creationDate": "2019-01-01T12:57:15.052Z",
    "status": "QUEUED",
    "kind": "q-object-external-storage",
    "backend": {"name": "ibmq_qasm_simulator", "id": "b1"},
    "name": "bell",
    "tags": ["a", "b"],
    "timePerStep": {"CREATING": "2019-01-01T12:57:15.052Z", "QUEUED": "2019-01-01T12:57:16Z"},
    "error": None,
    "runMode": "fairshare",
    "clientInfo": {"name": "ibmqjob", "version": "0.1.0"},
    "experimentTag": "exp-1",
    "infoQueue": {
        "status": "PENDING_IN_QUEUE",
        "position": 2,
        "estimatedStartTime": "2019-01-01T13:00:00Z",
        "hubPriority": 1,
        "futureField": "x",
    },
    "summaryData": {"summary": {"qobj_config": {"n_qubits": 2}}},
    "shots": 1024,
}


def test_job_document():
    record = JobRecord.from_wire(DOC)
    assert record.job_id == DOC["id"] and record.status == "QUEUED"
    assert record.creation_date == dt.datetime(2019, 1, 1, 12, 57, 15, 52000, tzinfo=dt.UTC)
    assert record.backend_name == "ibmq_qasm_simulator" and record.tags == ("a", "b")
    assert record.time_per_step == {
        "CREATING": dt.datetime(2019, 1, 1, 12, 57, 15, 52000, tzinfo=dt.UTC),
        "QUEUED": dt.datetime(2019, 1, 1, 12, 57, 16, tzinfo=dt.UTC),
    }
    assert record.error is None and record.run_mode == "fairshare"
    assert record.experiment_id == "exp-1" and record.client_info == DOC["clientInfo"]
    queue = record.info_queue
    assert queue is not None and queue.position == 2 and queue.hub_priority == 1.0
    assert queue.extra == {"futureField": "x"}
    assert record.extra == {"summaryData": DOC["summaryData"], "shots": 1024}


def test_minimal_document_and_unknown_status():
    record = JobRecord.from_wire({"id": "x", "creationDate": "2019-01-01T00:00:00", "status": "?"})
    assert record.status == "?" and record.tags == () and record.info_queue is None
    assert record.creation_date.tzinfo is dt.UTC


@pytest.mark.parametrize(
    "broken",
    [
        {"creationDate": "2019-01-01T00:00:00Z", "status": "QUEUED"},
        {"id": "x", "status": "QUEUED"},
        {"id": "x", "creationDate": "2019-01-01T00:00:00Z"},
        {"id": 5, "creationDate": "2019-01-01T00:00:00Z", "status": "QUEUED"},
        {"id": "x", "creationDate": "not a date", "status": "QUEUED"},
        {"id": "x", "creationDate": "2019-01-01T00:00:00Z", "status": "QUEUED", "tags": "a"},
        {"id": "x", "creationDate": "2019-01-01T00:00:00Z", "status": "QUEUED", "tags": [1]},
        {"id": "x", "creationDate": "2019-01-01T00:00:00Z", "status": "Q", "qObject": [1]},
        {"id": "x", "creationDate": "2019-01-01T00:00:00Z", "status": "Q", "name": 3},
        {
            "id": "x",
            "creationDate": "2019-01-01T00:00:00Z",
            "status": "QUEUED",
            "infoQueue": {"position": "first"},
        },
        ["not", "a", "document"],
    ],
)
def test_bad_job_documents_raise_protocol_errors(broken):
    with pytest.raises(ApiIBMQProtocolError):
        JobRecord.from_wire(broken)


def test_status_document():
    record = StatusRecord.from_wire({"status": "QUEUED", "infoQueue": {}, "x": 1})
    assert record == StatusRecord("QUEUED", None, {"x": 1})
    with pytest.raises(ApiIBMQProtocolError, match="Unexpected job status"):
        StatusRecord.from_wire({"infoQueue": {}})


def test_error_record():
    assert ErrorRecord.from_wire({"message": "m", "code": 1234, "name": "n"}) == ErrorRecord(
        "m", 1234, {"name": "n"}
    )
    assert ErrorRecord.from_wire("plain text") == ErrorRecord("plain text")
    assert ErrorRecord.from_wire({"message": "m", "code": "GENERIC_ERROR"}).code == "GENERIC_ERROR"


def test_info_queue_times():
    record = InfoQueueRecord.from_wire({"estimatedCompleteTime": "2019-01-01T14:00:00+02:00"})
    assert record is not None
    assert record.estimated_complete_time == dt.datetime(2019, 1, 1, 12, tzinfo=dt.UTC)
    assert InfoQueueRecord.from_wire(None) is None


def test_parse_utc():
    assert parse_utc(dt.datetime(2020, 1, 1)) == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ApiIBMQProtocolError, match="creationDate"):
        parse_utc(12, "creationDate")


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("summaryData", "summary_data"),
        ("hubInfo", "hub_info"),
        ("liveDataEnabled", "live_data_enabled"),
        ("objectStorageInfo", "object_storage_info"),
        ("class", "class_"),
        ("2x-y", "_2x_y"),
        ("cost", "cost"),
    ],
)
def test_python_identifiers(wire, python):
    assert to_python_identifier(wire) == python


def test_websocket_target_hides_the_token():
    target = WebsocketTarget("ws://127.0.0.1/ws/jobs/x/status/v/1", "secret-token")
    assert "secret-token" not in repr(target)


def test_fake_api_implements_the_protocol():
    from fake_job_api import FakeJobApi

    assert isinstance(FakeJobApi(), JobApi)


def test_the_api_adapter_implements_the_protocols():
    import inspect

    from ibmqjob._api import ProjectApi, ProjectOperations

    members = {name for name in vars(JobApi) if not name.startswith("_")}
    assert {"time", "job_get", "job_websocket"} <= members
    members |= {name for name in vars(ProjectApi) if not name.startswith("_")}
    assert {"ref", "job_submit", "jobs_page", "backend_job_limit"} <= members
    for name in sorted(members):
        assert hasattr(ProjectOperations, name) or name == "ref", name
        protocol = getattr(ProjectApi, name)
        if callable(protocol):
            ours = inspect.signature(protocol)
            theirs = inspect.signature(getattr(ProjectOperations, name))
            assert list(theirs.parameters) == list(ours.parameters), name
