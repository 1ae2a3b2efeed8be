"""A downloaded result whose per-shot memory is made into lists when first read answers every
question exactly as qiskit's ``Result.from_dict(json.loads(body))`` does, and refuses a
malformed result as early as before: when it is decoded, that is in ``result()``."""

from __future__ import annotations

import copy
import json
import pickle
import threading
from collections.abc import Callable
from typing import Any

import pytest
from qiskit.result import Result

from ibmqjob._api.codec import MemoryColumn, decode_result_object
from ibmqjob._decode import LazyMemoryData, decode_result, local_time, memory_column
from ibmqjob._jobdict import json_safe

SHOTS = 4096


def _shots(seed: int, values: int = 16) -> list[str]:
    return [hex((i * 7 + seed) % values) for i in range(SHOTS)]


def _body(experiments: int = 3, **change: Any) -> bytes:
    results = [
        {
            "shots": SHOTS,
            "success": True,
            "meas_level": 2,
            "data": {"counts": {"0x0": SHOTS}, "memory": _shots(index)},
            "header": {"memory_slots": 5, "creg_sizes": [["a", 2], ["b", 3]], "name": f"c{index}"},
            "status": "DONE",
        }
        for index in range(experiments)
    ]
    document = {
        "backend_name": "sim",
        "backend_version": "1",
        "qobj_id": "q",
        "job_id": "j",
        "success": True,
        "status": "COMPLETED",
        "date": "2024-05-01T12:00:00.123Z",
        "header": {"backend_name": "sim"},
        "results": results,
    }
    for index, experiment in change.items():
        results[int(index.removeprefix("e"))].update(experiment)
    return json.dumps(document, separators=(",", ":")).encode()


def _ours(body: bytes) -> Result:
    return decode_result(decode_result_object(body), client_version={"ibmqjob": "1"})


def _qiskits(body: bytes) -> Result:
    document = json.loads(body)
    document["client_version"] = {"ibmqjob": "1"}
    document["date"] = local_time(document["date"])
    return Result.from_dict(document)


def test_memory_is_a_column_until_read() -> None:
    result = _ours(_body())
    data = result.results[0].data
    assert isinstance(data, LazyMemoryData) and isinstance(memory_column(data), MemoryColumn)
    assert "memory" not in vars(data)
    assert data.memory == _shots(0)
    assert data.memory is data.memory  # made once, then an ordinary attribute
    assert memory_column(data) is None


def test_every_accessor_answers_as_qiskit_does() -> None:
    body = _body()
    ours, theirs = _ours(body), _qiskits(body)
    for index in range(3):
        assert ours.get_memory(index) == theirs.get_memory(index)  # from the column
        assert ours.get_counts(index) == theirs.get_counts(index)
        assert ours.data(index) == theirs.data(index)
        assert ours.get_memory(index) == theirs.get_memory(index)  # from the list
        assert ours.get_memory(f"c{index}") == theirs.get_memory(f"c{index}")
    assert ours.to_dict() == theirs.to_dict()
    assert repr(ours) == repr(theirs)
    for name in ("success", "status", "header", "job_id", "date", "client_version"):
        assert getattr(ours, name) == getattr(theirs, name)


@pytest.mark.parametrize("first", ["to_dict", "repr", "data", "attribute", "hasattr"])
def test_the_first_read_of_any_kind_gives_the_list(first: str) -> None:
    body = _body()
    ours, theirs = _ours(body), _qiskits(body)
    reads: dict[str, Callable[[Any], Any]] = {
        "to_dict": lambda r: r.to_dict()["results"][1]["data"]["memory"],
        "repr": lambda r: repr(r.results[1].data),
        "data": lambda r: r.data(1)["memory"],
        "attribute": lambda r: r.results[1].data.memory,
        "hasattr": lambda r: hasattr(r.results[1].data, "memory"),
    }
    assert reads[first](ours) == reads[first](theirs)
    assert ours.to_dict() == theirs.to_dict()


def test_copies_and_pickles_hold_the_list() -> None:
    body = _body()
    theirs = _qiskits(body).to_dict()
    makers: list[Callable[[Any], Any]] = [
        copy.copy,
        copy.deepcopy,
        lambda r: pickle.loads(pickle.dumps(r)),
    ]
    for make in makers:
        ours = _ours(body)
        assert make(ours).to_dict() == theirs
    data = _ours(body).results[2].data
    state = pickle.loads(pickle.dumps(data))
    assert vars(state)["memory"] == _shots(2) and memory_column(state) is None


def test_memory_assigned_or_deleted_before_the_first_read_wins() -> None:
    body = _body()
    result, theirs = _ours(body), _qiskits(body)
    for changed in (result, theirs):
        changed.results[0].data.memory = ["0x1", "0x0"]
        changed.results[2].data.memory.append("0x3")  # a list like any other once read
    assert result.results[0].data.memory == ["0x1", "0x0"]
    assert result.get_memory(0) == theirs.get_memory(0) == ["000 01", "000 00"]
    assert result.get_memory(2) == theirs.get_memory(2)
    assert len(result.get_memory(2)) == SHOTS + 1
    del result.results[1].data.memory
    with pytest.raises(AttributeError):
        result.results[1].data.memory  # noqa: B018  # the read is the test


def test_threads_reading_at_once_get_one_list() -> None:
    data = _ours(_body()).results[0].data
    barrier = threading.Barrier(8)
    seen: list[int] = []

    def read() -> None:
        barrier.wait(timeout=10)
        seen.append(id(data.memory))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(seen) == 8 and len(set(seen)) == 1


def test_memory_of_another_level_is_a_list_at_once() -> None:
    body = _body(e1={"meas_level": 1})
    ours, theirs = _ours(body), _qiskits(body)
    assert "memory" in vars(ours.results[1].data)
    assert ours.to_dict() == theirs.to_dict()


@pytest.mark.parametrize(
    ("bad", "kind"),
    [
        ("0xz", MemoryColumn),  # told apart by the key column: a column, checked as one
        ("1x1", list),  # not told apart by it: a list, checked as one
    ],
)
def test_a_malformed_memory_is_refused_when_decoded(bad: str, kind: type) -> None:
    shots = _shots(1)
    shots[SHOTS - 10] = bad  # far from the items that choose the key column
    document = decode_result_object(_body(e1={"data": {"memory": shots}}))
    assert isinstance(document["results"][1]["data"]["memory"], kind)
    with pytest.raises(ValueError, match=rf"results\[1\]\.data\.memory holds '{bad}'"):
        decode_result(document)


def test_the_document_kept_for_to_dict_serialises_columns_as_lists() -> None:
    body = _body()
    document = decode_result_object(body)
    assert json_safe(document) == json.loads(body)
