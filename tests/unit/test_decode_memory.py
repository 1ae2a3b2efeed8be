"""``get_memory()`` of the results the SDK decodes answers exactly what qiskit's does."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit.exceptions import QiskitError
from qiskit.result import Result

from ibmqjob._decode import JobResult, decode_result


def document(memory: Any, header: dict[str, Any] | None, meas_level: int = 2) -> dict[str, Any]:
    experiment: dict[str, Any] = {
        "shots": 8,
        "success": True,
        "meas_level": meas_level,
        "data": {"counts": {"0x0": 8}} if memory is None else {"memory": memory},
    }
    if header is not None:
        experiment["header"] = header
    return {
        "backend_name": "b",
        "backend_version": "1",
        "qobj_id": "q",
        "job_id": "j",
        "success": True,
        "results": [experiment],
    }


HEADERS = st.one_of(
    st.none(),
    st.just({"memory_slots": 3, "creg_sizes": [["c", 3]]}),
    st.just({"memory_slots": 5, "creg_sizes": [["a", 2], ["b", 3]]}),
    st.just({"memory_slots": 2}),
)
SHOTS = st.lists(st.sampled_from(["0x0", "0x1", "0x5", "0x7", "0x1f", "0x10"]), max_size=200)


@settings(max_examples=100, deadline=None)
@given(SHOTS, HEADERS)
def test_level_2_memory_is_formatted_as_qiskit_does(memory: list[str], header: Any) -> None:
    data = document(memory, header)
    ours = decode_result(data)
    assert isinstance(ours, JobResult) and isinstance(ours, Result)
    assert ours.get_memory(0) == Result.from_dict(data).get_memory(0)


def test_level_1_memory_goes_to_qiskit() -> None:
    data = document([[[0.5, 0.1], [0.2, -0.3]]], {"memory_slots": 2}, meas_level=1)
    assert (decode_result(data).get_memory(0) == Result.from_dict(data).get_memory(0)).all()


def test_no_memory_raises_qiskits_error() -> None:
    with pytest.raises(QiskitError, match="No memory for experiment"):
        decode_result(document(None, None)).get_memory(0)
