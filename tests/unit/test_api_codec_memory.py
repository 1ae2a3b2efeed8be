"""The big-result decoder returns exactly what ``json.loads`` returns, for any document; the
result decoder too, once its memory columns are made into lists."""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibmqjob._api.codec import MemoryColumn, decode_json_object, decode_result_object
from ibmqjob.exceptions import ApiIBMQProtocolError

# Memory items: mostly the hexadecimal shots of real results, sometimes anything a JSON string
# can hold (commas, quotes, brackets, escapes, non-ASCII) and look-alikes of the decoder's
# own placeholder.
ITEMS = st.one_of(
    st.sampled_from(["0x0", "0x1", "0x2", "0x3", "0xf", "0x1f", "0x10"]),
    st.sampled_from(["", "a,b", 'x"y', "[1]", "]", "\\", "\u00e9", "\x00ibmqjob-memory:0"]),
    st.text(max_size=6),
)
MEMORY = st.one_of(
    st.lists(st.sampled_from(["0x0", "0x1", "0x2", "0x3"]), min_size=1, max_size=300),
    st.lists(st.sampled_from(["0x0", "0x1f", "0x10"]), min_size=1, max_size=300),
    # Items of one width that one column of bytes does not tell apart.
    st.lists(st.sampled_from(["0x1", "1x1", "0y1", "0x2", "ab1", "0,1"]), min_size=2, max_size=60),
    st.lists(ITEMS, max_size=40),
    st.lists(st.one_of(st.integers(), st.floats(allow_nan=False), ITEMS), max_size=10),
    st.lists(st.lists(st.floats(allow_nan=False), max_size=2), max_size=5),
    ITEMS,
)


def experiment(memory: Any, key: str) -> dict[str, Any]:
    return {"shots": 8, "success": True, "data": {key: memory, "counts": {"0x0": 1}}}


DOCUMENTS = st.builds(
    lambda experiments, extra: {"results": experiments, "success": True, **extra},
    st.lists(
        st.builds(experiment, MEMORY, st.sampled_from(["memory", "memory", 'a"memory', "mem"])),
        max_size=6,
    ),
    st.dictionaries(st.sampled_from(["memory", "note", "header"]), st.one_of(MEMORY, ITEMS)),
)
FORMATS = st.sampled_from([{}, {"separators": (",", ":")}, {"indent": 1}, {"ensure_ascii": False}])
# Documents are padded above the size under which the plain decoder is used.
PADDING = "p" * 70_000


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, FORMATS)
def test_decoding_equals_json_loads(document: dict[str, Any], fmt: dict[str, Any]) -> None:
    document["padding"] = PADDING
    content = json.dumps(document, **fmt).encode()
    decoded = decode_json_object(content, "result")
    expected = json.loads(content)
    assert decoded == expected
    assert json.dumps(decoded) == json.dumps(expected)  # same order, same types


def test_each_distinct_memory_value_is_one_shared_string() -> None:
    shots = [f"0x{i % 16:x}" for i in range(8192)]
    document = {"results": [experiment(list(shots), "memory") for _ in range(20)]}
    content = json.dumps(document).encode()
    decoded = decode_json_object(content, "result")
    memories = [r["data"]["memory"] for r in decoded["results"]]
    assert memories == [shots] * 20
    assert len({id(value) for memory in memories for value in memory}) == 16


def test_memory_of_varying_width_is_shared_too() -> None:
    shots = [hex(i % 40) for i in range(5000)]
    document = {"results": [experiment(list(shots), "memory") for _ in range(3)]}
    decoded = decode_json_object(json.dumps(document, separators=(",", ":")).encode(), "r")
    memories = [r["data"]["memory"] for r in decoded["results"]]
    assert memories == [shots] * 3
    assert len({id(value) for memory in memories for value in memory}) == 40


def _materialized(value: Any) -> Any:
    """``value`` with every memory column made into its list."""
    if isinstance(value, MemoryColumn):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _materialized(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_materialized(item) for item in value]
    return value


def _column_places(value: Any, where: str = "") -> list[str]:
    """Where memory columns are in a decoded document."""
    if isinstance(value, MemoryColumn):
        return [where]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _column_places(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _column_places(item, f"{where}[{i}]")]
    return []


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, FORMATS)
def test_a_result_decoded_with_columns_is_json_loads_once_they_are_lists(
    document: dict[str, Any], fmt: dict[str, Any]
) -> None:
    document["padding"] = PADDING
    content = json.dumps(document, **fmt).encode()
    decoded = decode_result_object(content)
    expected = json.loads(content)
    assert json.dumps(_materialized(decoded)) == json.dumps(expected)  # same order, same types
    for place in _column_places(decoded):
        assert re.fullmatch(r"\.results\[\d+\]\.data\.memory", place), place


def test_fixed_width_memory_of_a_result_is_a_column() -> None:
    shots = [f"0x{(i * 7) % 16:x}" for i in range(8192)]
    document: dict[str, Any] = {
        "results": [experiment(list(shots), "memory") for _ in range(4)],
        "header": {"memory": list(shots[:4000])},  # not a result's memory: a list
    }
    content = json.dumps(document).encode()
    decoded = decode_result_object(content)
    columns = [r["data"]["memory"] for r in decoded["results"]]
    assert all(isinstance(column, MemoryColumn) for column in columns)
    assert decoded["header"]["memory"] == shots[:4000]
    assert all(len(column) == 8192 and column.tolist() == shots for column in columns)
    assert sorted(columns[0].distinct()) == sorted(set(shots))
    # The strings are shared between the columns of a document.
    assert len({id(value) for column in columns for value in column.tolist()}) == 16
    # The plain decoder of the same bytes gives lists.
    plain = decode_json_object(content, "result")
    assert [r["data"]["memory"] for r in plain["results"]] == [shots] * 4


@pytest.mark.parametrize(
    "items",
    [
        # One item differs outside the key column, a bad separator, a quote inside an item.
        ['"0x1"', '"0x2"', '"1x1"'] * 30000,
        ['"0x1"', '"0x2"', '"0x1"'] * 30000,
        # Far beyond the items that choose the key column: a byte no key accounts for.
        ['"0x1"', '"0x2"'] * 40000 + ['"0X1"'] + ['"0x2"'] * 100,
    ],
)
def test_a_list_that_is_not_what_its_keys_say_is_decoded_plainly(items: list[str]) -> None:
    shots = ",".join(items)
    for broken in (shots, shots[:1000] + ";" + shots[1001:], shots[:999] + '"' + shots[1000:]):
        content = b'{"results":[{"success":true,"data":{"memory":[' + broken.encode() + b"]}}]}"
        try:
            expected = json.loads(content)
        except ValueError:
            with pytest.raises(ApiIBMQProtocolError):
                decode_result_object(content)
            continue
        assert _materialized(decode_result_object(content)) == expected


def test_a_memory_column_reads_like_its_list() -> None:
    strings = {ord("a"): "0x0", ord("b"): "0x1f"}
    column = MemoryColumn(b"abba", strings)
    assert len(column) == 4
    assert column.tolist() == ["0x0", "0x1f", "0x1f", "0x0"]
    assert column.distinct() == ("0x0", "0x1f")
    assert column.mapped({"0x0": 0, "0x1f": 31}) == [0, 31, 31, 0]
    copied = pickle.loads(pickle.dumps(column))
    assert copied.tolist() == column.tolist() and copied.distinct() == column.distinct()
    assert "4 shots" in repr(column)
    with pytest.raises(KeyError):
        MemoryColumn(b"abc", strings)
    with pytest.raises(KeyError):
        column.mapped({"0x0": 0})


@pytest.mark.parametrize("key", ["note", "memory"])
@pytest.mark.parametrize("decode", [decode_result_object, lambda c: decode_json_object(c, "r")])
def test_a_string_like_the_placeholder_is_left_as_it_is(
    key: str, decode: Callable[[bytes], dict[str, Any]]
) -> None:
    shots = [f"0x{i % 4:x}" for i in range(20000)]
    for spelled in ("\x00ibmqjob-memory:0", "\x00ibmqjob-memory:1"):
        document = {"results": [experiment(list(shots), "memory")], "header": {key: spelled}}
        content = json.dumps(document).encode()
        assert _materialized(decode(content)) == json.loads(content)
