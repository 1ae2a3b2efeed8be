"""The dict forms of a job: legacy constructor arguments, ``to_dict()`` and ``from_dict()``."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any

import numpy as np
import pytest

from ibmqjob._api.records import ErrorRecord, InfoQueueRecord, JobRecord
from ibmqjob._jobdict import (
    extra_attributes,
    job_dict,
    json_safe,
    kwargs_from_dict,
    record_from_kwargs,
)
from ibmqjob.exceptions import IBMQJobApiError, IBMQJobInvalidStateError

UTC_NOON = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


def test_legacy_arguments_become_one_record() -> None:
    record = record_from_kwargs(
        "j",
        "2024-05-01T14:00:00+02:00",
        "QUEUED",
        kind="q-object",
        time_per_step={"CREATING": "2024-05-01T12:00:00Z", "QUEUED": UTC_NOON},
        error="bad",
        tags=["a"],
        info_queue={"position": 3, "hub_priority": 0.5},
        client_info={"name": "x", "version": "1"},
        experiment_id="e",
        backend_info={"name": "sim"},
        properties={"backend_name": "sim"},
        summary_data={"k": 1},
    )
    assert record.creation_date == UTC_NOON  # the instant, in UTC
    assert record.time_per_step == {"CREATING": UTC_NOON, "QUEUED": UTC_NOON}
    assert record.error == ErrorRecord(message="bad")
    assert record.tags == ("a",)
    assert record.info_queue == InfoQueueRecord(position=3, hub_priority=0.5)
    assert record.client_info == {"name": "x", "version": "1"}
    assert (record.experiment_id, record.backend_name) == ("e", "sim")
    assert record.properties == {"backend_name": "sim"}
    assert dict(record.extra) == {"summary_data": {"k": 1}}


def test_a_backend_info_that_is_not_a_name_stays_an_attribute() -> None:
    record = record_from_kwargs("j", UTC_NOON, "RUNNING", backend_info={"name": "s", "id": 1})
    assert record.backend_name is None
    assert extra_attributes(record)["backend_info"] == {"name": "s", "id": 1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"creation_date": "yesterday"}, "creation_date"),
        ({"time_per_step": {"RUNNING": "soon"}}, "time_per_step.RUNNING"),
        ({"info_queue": {"position": "first"}}, "position"),
    ],
)
def test_malformed_legacy_arguments_are_job_api_errors(
    kwargs: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"creation_date": UTC_NOON, **kwargs}
    with pytest.raises(IBMQJobApiError, match=message):
        record_from_kwargs("j", status="QUEUED", **arguments)


def test_extra_attributes_follow_the_original_names() -> None:
    record = JobRecord(
        "j",
        UTC_NOON,
        "COMPLETED",
        backend_name="sim",
        properties={"p": 1},
        extra={"shots": 10, "summaryData": 1, "2x-y": 2, "class": 3},
    )
    assert extra_attributes(record) == {
        "backend_info": {"name": "sim"},
        "properties": {"p": 1},
        "api_shots": 10,
        "summary_data": 1,
        "_2x_y": 2,
        "class_": 3,
    }
    # A key whose name is that of a modelled attribute is not an extra attribute.
    clash = JobRecord("j", UTC_NOON, "COMPLETED", extra={"jobId": "other", "status_": 1})
    assert "job_id" not in extra_attributes(clash)


def test_to_dict_form_reads_back_into_the_same_record() -> None:
    record = JobRecord(
        "j",
        UTC_NOON,
        "COMPLETED",
        kind="q-object",
        backend_name="sim",
        name="n",
        tags=("a", "b"),
        time_per_step={"RUNNING": UTC_NOON},
        error=ErrorRecord("m", 7, {"more": 1j}),
        run_mode="fairshare",
        client_info={"name": "x", "version": "1"},
        experiment_id="e",
        extra={"summaryData": {"n": 1}, "shareLevel": "none"},
    )
    info = InfoQueueRecord(status="PENDING_IN_QUEUE", position=2, estimated_start_time=UTC_NOON)
    data = json.loads(json.dumps(job_dict(record, "QUEUED", info, None, None)))
    assert data["status"] == "QUEUED" and data["creation_date"] == "2024-05-01T12:00:00Z"
    assert data["info_queue"] == {
        "status": "PENDING_IN_QUEUE",
        "position": 2,
        "estimatedStartTime": "2024-05-01T12:00:00Z",
    }
    assert data["error"] == {"message": "m", "code": 7, "more": [0.0, 1.0]}
    assert data["share_level"] == "none" and data["summary_data"] == {"n": 1}
    again = record_from_kwargs(**kwargs_from_dict(data))
    assert job_dict(again, "QUEUED", again.info_queue, None, None) == data


def test_from_dict_needs_the_identity_of_the_job() -> None:
    with pytest.raises(IBMQJobInvalidStateError, match="without creation_date, status"):
        kwargs_from_dict({"job_id": "x"})
    kwargs = kwargs_from_dict(
        {"job_id": "x", "creation_date": "c", "status": "s", "backend": 1, "api": 2}
    )
    assert kwargs == {"job_id": "x", "creation_date": "c", "status": "s"}


def test_json_safe() -> None:

    class Color(enum.Enum):
        RED = "red"

    class Model:
        def to_dict(self) -> dict[str, Any]:
            return {"z": 1j}

    value = {
        "array": np.array([[1, 2], [3, 4]]),
        "scalar": np.int64(7),
        "complex": complex(1, -2),
        "naive": dt.datetime(2024, 5, 1, 12),
        "enum": Color.RED,
        "set": {3},
        "model": Model(),
        1: (None, True, 1.5),
    }
    assert json_safe(value) == {
        "array": [[1, 2], [3, 4]],
        "scalar": 7,
        "complex": [1.0, -2.0],
        "naive": "2024-05-01T12:00:00Z",
        "enum": "red",
        "set": [3],
        "model": {"z": [0.0, 1.0]},
        "1": [None, True, 1.5],
    }
    with pytest.raises(TypeError, match="not JSON serialisable"):
        json_safe(object())
