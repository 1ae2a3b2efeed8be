"""Results are checked once, when they arrive: what qiskit would fail on later is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ibmqjob._api.codec import decode_json_object, loads
from ibmqjob._decode import check_result_document, decode_result
from ibmqjob.exceptions import ApiIBMQProtocolError


def _result(**experiment: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "shots": 4,
        "success": True,
        "meas_level": 2,
        "data": {"counts": {"0x0": 2, "0x3": 2}, "memory": ["0x0", "0x3", "0x0", "0x3"]},
        "header": {"memory_slots": 2, "creg_sizes": [["c", 2]], "name": "bell"},
    }
    base.update(experiment)
    return {
        "backend_name": "sim",
        "backend_version": "1",
        "qobj_id": "q",
        "job_id": "j",
        "success": True,
        "results": [base],
    }


def test_a_good_result_passes_and_works() -> None:
    result = decode_result(_result())
    assert result.get_counts() == {"00": 2, "11": 2}
    assert result.get_memory() == ["00", "11", "00", "11"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"data": {"counts": {"0xzz": 4}}}, "results[0].data.counts has '0xzz'"),
        ({"data": {"counts": {"0x1": "4"}}}, "results[0].data.counts has '0x1'"),
        ({"data": {"counts": {"0x1": -1}}}, "non-negative integer"),
        ({"data": {"counts": [1]}}, "results[0].data.counts is list"),
        ({"data": {"memory": ["0x1", 7]}}, "results[0].data.memory holds 7"),
        ({"data": {"memory": [[1, 2]]}}, "results[0].data.memory holds lists"),
        ({"data": 5}, "results[0].data is int"),
        ({"shots": "many"}, "results[0].shots is str"),
        ({"success": "yes"}, "results[0].success is str"),
        ({"header": {"memory_slots": "2"}}, "results[0].header.memory_slots"),
        ({"header": {"creg_sizes": [["c"]]}}, "results[0].header.creg_sizes"),
        ({"header": {"deep": loads("[" * 40 + "]" * 40)}}, "nested more than 32"),
        ({"metadata": loads('{"a":' * 40 + "1" + "}" * 40)}, "results.0..metadata is nested"),
        ({"metadata": [1, "x", loads("[" * 40 + "]" * 40)]}, "nested more than 32"),
        ({"data": {"statevector": [0.5, {"a": loads("[" * 40 + "]" * 40)}]}}, "data.statevector"),
    ],
)
def test_a_malformed_result_is_refused_with_what_and_where(
    change: dict[str, Any], message: str
) -> None:
    document = _result(**change)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        decode_result(document)


def test_results_must_be_a_list_of_objects() -> None:
    for results in ("x", None, [7]):
        document = {**_result(), "results": results}
        with pytest.raises(ValueError, match="results"):
            check_result_document(document)


def test_a_deep_result_document_is_a_protocol_error() -> None:
    with pytest.raises(ApiIBMQProtocolError, match="nested too deeply"):
        decode_json_object(b"[" * 100_000 + b"]" * 100_000, "result")


def test_checking_does_not_change_the_document() -> None:
    document = _result()
    before = copy.deepcopy(document)
    check_result_document(document)
    assert document == before
