"""Decoding large results: shared per-shot strings, and the downloaded document left intact."""

from __future__ import annotations

import copy
import json
from typing import Any

from ibmqjob._api.codec import decode_json_object
from ibmqjob._decode import decode_result


def _result_document(experiments: int, shots: int) -> dict[str, Any]:
    return {
        "backend_name": "ibmq_qasm_simulator",
        "backend_version": "0.14.2",
        "qobj_id": "q1",
        "job_id": "j1",
        "success": True,
        "date": "2024-05-01T12:00:00.123Z",
        "results": [
            {
                "shots": shots,
                "success": True,
                "header": {"name": f"c{i}", "memory_slots": 2},
                "data": {
                    "counts": {"0x0": shots // 2, "0x3": shots - shots // 2},
                    "memory": ["0x0", "0x3"] * (shots // 2),
                },
            }
            for i in range(experiments)
        ],
    }


def test_per_shot_memory_strings_are_shared() -> None:
    content = json.dumps(_result_document(3, 64)).encode()
    body = decode_json_object(content, "result")
    memories = [exp["data"]["memory"] for exp in body["results"]]
    first = [m for memory in memories for m in memory if m == "0x3"]
    assert len(first) == 3 * 32
    assert len({id(m) for m in first}) == 1
    assert body == _result_document(3, 64)


def test_decoding_leaves_the_document_intact() -> None:
    document = _result_document(2, 8)
    before = copy.deepcopy(document)
    result = decode_result(document, client_version={"ibmqjob": "0.1.0"})
    assert document == before
    assert result.get_counts(0) == {"00": 4, "11": 4}
    assert result.get_memory(1) == ["00", "11"] * 4
