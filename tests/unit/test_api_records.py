"""Decoding of wire documents into the records of the wire layer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ibmqjob._api.records import (
    AccessTokenRecord,
    CancelRecord,
    ErrorRecord,
    InfoQueueRecord,
    JobRecord,
    JobsLimitRecord,
    ProjectRef,
    QueueStatusRecord,
    ServiceUrlsRecord,
    SignedUrlRecord,
    StatusRecord,
    UserRecord,
    VersionRecord,
    WebsocketTarget,
    backend_configurations,
    job_from_upload_answer,
    optional_document,
    parse_utc,
    projects_from_network,
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


def test_job_document() -> None:
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


def test_minimal_document_and_unknown_status() -> None:
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
def test_bad_job_documents_raise_protocol_errors(broken: object) -> None:
    with pytest.raises(ApiIBMQProtocolError):
        JobRecord.from_wire(broken)


def test_status_document() -> None:
    record = StatusRecord.from_wire({"status": "QUEUED", "infoQueue": {}, "x": 1})
    assert record == StatusRecord("QUEUED", None, {"x": 1})
    with pytest.raises(ApiIBMQProtocolError, match="Unexpected job status"):
        StatusRecord.from_wire({"infoQueue": {}})


def test_error_record() -> None:
    assert ErrorRecord.from_wire({"message": "m", "code": 1234, "name": "n"}) == ErrorRecord(
        "m", 1234, {"name": "n"}
    )
    assert ErrorRecord.from_wire("plain text") == ErrorRecord("plain text")
    assert ErrorRecord.from_wire({"message": "m", "code": "GENERIC_ERROR"}).code == "GENERIC_ERROR"


def test_info_queue_times() -> None:
    record = InfoQueueRecord.from_wire({"estimatedCompleteTime": "2019-01-01T14:00:00+02:00"})
    assert record is not None
    assert record.estimated_complete_time == dt.datetime(2019, 1, 1, 12, tzinfo=dt.UTC)
    assert InfoQueueRecord.from_wire(None) is None


def test_parse_utc() -> None:
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
def test_python_identifiers(wire: str, python: str) -> None:
    assert to_python_identifier(wire) == python


def test_websocket_target_hides_the_token() -> None:
    target = WebsocketTarget("ws://127.0.0.1/ws/jobs/x/status/v/1", "secret-token")
    assert "secret-token" not in repr(target)


def test_login_answers() -> None:
    assert VersionRecord.from_wire({"api-auth": "0.1", "new_api": True}).extra == {"new_api": True}
    token = AccessTokenRecord.from_wire({"id": "secret-access", "ttl": 60, "userId": "u"})
    assert (token.token, token.ttl) == ("secret-access", 60)
    assert "secret-access" not in repr(token)
    user = UserRecord.from_wire({"urls": {"http": "http://api/api", "ws": "ws://api/ws"}})
    assert user.urls.ws == "ws://api/ws"


@pytest.mark.parametrize(
    ("record", "body", "message"),
    [
        (VersionRecord, {"version": 1}, "api-auth"),
        (AccessTokenRecord, {"ttl": 60}, "no access token"),
        (AccessTokenRecord, {"id": "", "ttl": 60}, "no access token"),
        (AccessTokenRecord, {"id": "secret-access"}, "no ttl"),
        (AccessTokenRecord, "secret-access", "no access token"),
        (UserRecord, {"id": "u"}, "urls"),
        (SignedUrlRecord, {"url": " "}, "no url"),
        (CancelRecord, {"status": "CANCELLED"}, "cancelled"),
    ],
)
def test_malformed_answers_are_protocol_errors(record: Any, body: Any, message: str) -> None:
    with pytest.raises(ApiIBMQProtocolError, match=message) as info:
        record.from_wire(body)
    assert "secret-access" not in info.value.message  # a token is never quoted


def test_cancel_answer() -> None:
    assert CancelRecord.from_wire({"cancelled": True}).cancelled is True
    assert CancelRecord.from_wire({"cancelled": True, "error": "x"}).cancelled is False
    assert CancelRecord.from_wire({"cancelled": False}).cancelled is False


def test_free_form_documents_and_lists() -> None:
    assert optional_document({}, "pulse defaults") is None
    assert optional_document({"a": 1}, "pulse defaults") == {"a": 1}
    with pytest.raises(ApiIBMQProtocolError, match="pulse defaults"):
        optional_document([1], "pulse defaults")
    assert backend_configurations([{"backend_name": "a"}, 3, None]) == [{"backend_name": "a"}]
    with pytest.raises(ApiIBMQProtocolError):
        backend_configurations({"backend_name": "a"})


def test_upload_answer_holds_the_job_document() -> None:
    assert job_from_upload_answer({"job": DOC}).job_id == DOC["id"]
    with pytest.raises(ApiIBMQProtocolError):
        job_from_upload_answer(DOC)


def test_projects_come_from_dict_keys_with_the_default_first() -> None:
    network = [
        {"name": "h1", "title": "ignored", "groups": {"g": {"projects": {"p": {}}}}},
        {
            "name": "h2",
            "groups": {"g2": {"projects": {"a": {}, "b": {"isDefault": True}, "c": {}}}},
        },
    ]

    assert projects_from_network(network) == [
        ProjectRef("h2", "g2", "b", True),
        ProjectRef("h1", "g", "p"),
        ProjectRef("h2", "g2", "a"),
        ProjectRef("h2", "g2", "c"),
    ]


@pytest.mark.parametrize(
    "network",
    [
        {"name": "h"},
        [{"groups": {}}],
        [{"name": "h", "groups": []}],
        [{"name": "h", "groups": {"g": {}}}],
    ],
)
def test_a_malformed_network_is_a_protocol_error(network: Any) -> None:
    with pytest.raises(ApiIBMQProtocolError):
        projects_from_network(network)


def test_service_urls() -> None:
    urls = ServiceUrlsRecord.from_wire({"http": "http://x/api", "ws": "", "services": {"a": "b"}})
    assert (urls.http, urls.ws, dict(urls.services)) == ("http://x/api", None, {"a": "b"})
    with pytest.raises(ApiIBMQProtocolError):
        ServiceUrlsRecord.from_wire({"ws": "ws://x"})


def test_queue_status_and_job_limit() -> None:
    status = QueueStatusRecord.from_wire(
        {"state": False, "status": "maintenance", "lengthQueue": -3}
    )
    assert (status.operational, status.status_msg, status.pending_jobs) == (False, "maintenance", 0)
    assert QueueStatusRecord.from_wire({"state": True, "status": "active"}).pending_jobs == 0
    assert JobsLimitRecord.from_wire({"maximumJobs": -1, "runningJobs": 2}) == JobsLimitRecord(
        None, 2
    )
    for bad in ({"state": "yes", "status": "x"}, {"maximumJobs": 1.5, "runningJobs": 0}):
        with pytest.raises(ApiIBMQProtocolError):
            (QueueStatusRecord if "state" in bad else JobsLimitRecord).from_wire(bad)
