"""A big result downloaded over HTTP: the ``Result`` that ``result()`` returns equals qiskit's
``Result.from_dict(json.loads(body))``, and a malformed one is refused by the fetch itself
(``result()`` raises ``IBMQJobApiError``), with its per-shot memory made into lists only when
read."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from qiskit.providers import JobStatus
from qiskit.result import Result

from ibmqjob._api.codec import MemoryColumn
from ibmqjob._decode import LazyMemoryData, local_time
from ibmqjob._results import OBJECT_STORAGE_KIND, ResultContext, ResultStore
from ibmqjob.exceptions import IBMQJobApiError
from tests.http.fake_api import JOB_ID, FakeApi, connect

SHOTS = 2048
CONTEXT = ResultContext(JOB_ID, "COMPLETED", JobStatus.DONE, OBJECT_STORAGE_KIND, {"x": "1"})


def _document(experiments: int) -> dict[str, Any]:
    return {
        "backend_name": "sim",
        "backend_version": "1",
        "qobj_id": "q",
        "job_id": JOB_ID,
        "success": True,
        "status": "COMPLETED",
        "date": "2024-05-01T12:00:00.123Z",
        "results": [
            {
                "shots": SHOTS,
                "success": True,
                "data": {
                    "counts": {"0x0": SHOTS},
                    "memory": [hex((shot * 5 + index) % 8) for shot in range(SHOTS)],
                },
                "header": {"memory_slots": 3, "creg_sizes": [["c", 3]], "name": f"c{index}"},
            }
            for index in range(experiments)
        ],
    }


def _fetch(body: bytes) -> ResultStore:
    fake = FakeApi()
    fake.result = body
    fake.queue("POST", "/resultDownloaded$", httpx.Response(200, json={}))
    h = connect(fake)
    store = ResultStore()
    try:
        store.retrieve(CONTEXT, lambda: h.project)
    finally:
        h.session.close()  # sends the deferred acknowledgement of a download
    return store


def test_the_result_equals_qiskits_from_dict_of_the_body() -> None:
    body = json.dumps(_document(10)).encode()
    store = _fetch(body)
    assert store.result is not None and store.raw is not None
    assert isinstance(store.raw["results"][0]["data"]["memory"], MemoryColumn)
    assert all(isinstance(r.data, LazyMemoryData) for r in store.result.results)
    expected = json.loads(body)
    expected["client_version"] = {"x": "1"}
    expected["date"] = local_time(expected["date"])
    theirs = Result.from_dict(expected)
    for index in range(10):
        assert store.result.get_memory(index) == theirs.get_memory(index)
    assert store.result.to_dict() == theirs.to_dict()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"memory": ["0x9"] * SHOTS}, None),
        ({"memory": ["0x1"] * (SHOTS - 1) + ["0xg"]}, "results[3].data.memory holds '0xg'"),
        ({"memory": ["0x1"] * (SHOTS - 1) + [1]}, "results[3].data.memory holds 1"),
        ({"counts": {"0xzz": 1}}, "results[3].data.counts has '0xzz'"),
    ],
)
def test_a_malformed_result_is_refused_by_the_fetch(
    change: dict[str, Any], message: str | None
) -> None:
    document = _document(10)
    document["results"][3]["data"].update(change)
    body = json.dumps(document).encode()
    if message is None:  # the control: the same change with a good value passes
        assert _fetch(body).result is not None
        return
    with pytest.raises(IBMQJobApiError, match="invalid result") as raised:
        _fetch(body)
    assert message in raised.value.message
