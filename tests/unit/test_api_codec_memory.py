"""The big-result decoder returns exactly what ``json.loads`` returns, for any document."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ibmqjob._api.codec import decode_json_object

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
