"""Account-level records and the Qobj encoding."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from qiskit.circuit import Parameter

from ibmqjob._api.codec import decode_json_object, encode_qobj
from ibmqjob._api.records import (
    JobsLimitRecord,
    ProjectRef,
    QueueStatusRecord,
    ServiceUrlsRecord,
    projects_from_network,
)
from ibmqjob.exceptions import ApiIBMQProtocolError


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


def test_qobj_encoding_follows_the_original_client() -> None:
    theta = Parameter("theta")
    qobj = {
        "array": np.array([[1, 2], [3, 4]]),
        "scalar": np.float64(0.5),
        "integer": np.int64(7),
        "complex": 1 + 2j,
        "bound": (theta * 2).bind({theta: 0.25}),
        "parameter_binds": [{theta: 0.1}],
    }

    decoded = json.loads(encode_qobj(qobj))

    assert decoded == {
        "array": [[1, 2], [3, 4]],
        "scalar": 0.5,
        "integer": 7,
        "complex": [1.0, 2.0],
        "bound": 0.5,
        "parameter_binds": [{"theta": 0.1}],
    }


def test_an_unbound_parameter_cannot_be_encoded() -> None:
    theta = Parameter("theta")
    with pytest.raises(ValueError, match="cannot be encoded"):
        encode_qobj({"value": theta * 2})


def test_decoding_downloads() -> None:
    assert decode_json_object(b'{"a": 1}', "result") == {"a": 1}
    with pytest.raises(ApiIBMQProtocolError, match="The Qobj downloaded is not a JSON object"):
        decode_json_object(b"[]", "Qobj")
