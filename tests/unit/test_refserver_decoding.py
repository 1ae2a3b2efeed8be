"""Strict decoding of client input: every malformed body or filter is a clear 400, never a crash."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refserver import bodies
from refserver.decoding import MAX_DEPTH, MalformedJson, parse_json
from refserver.errors import ApiError
from refserver.filters import matches, parse_filter, select


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested deeper"),
        ('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), "nested deeper"),
        ('{"n": ' + "1" * 5000 + "}", "4300"),
        ('{"x": NaN}', "NaN"),
        ('{"x": -Infinity}', "Infinity"),
        ('{"x": 1e999}', "out of range"),
        ('{"name": "\\ud800"}', "lone surrogate"),
        ('{"tags": ["ok", "\\udfff tail"]}', "lone surrogate"),
        ('{"\\ud800": 1}', "lone surrogate"),
        ('{"a": 1', "not valid JSON"),
        ("", "not valid JSON"),
    ],
)
def test_malformed_json_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(MalformedJson, match=reason):
        parse_json(text)


def test_integers_can_be_bounded() -> None:
    assert parse_json('{"n": ' + "9" * 30 + "}") == {"n": int("9" * 30)}
    for text in ('{"n": ' + "9" * 30 + "}", '{"n": [-' + "9" * 30 + "]}"):
        with pytest.raises(MalformedJson, match="64 bits"):
            parse_json(text, max_int=(1 << 63) - 1)
    assert parse_json('{"n": 9223372036854775807}', max_int=(1 << 63) - 1)


def test_bytes_must_be_utf8() -> None:
    with pytest.raises(MalformedJson, match="not UTF-8"):
        parse_json(b'{"name": "\xff"}')


def test_acceptable_json_is_decoded() -> None:
    deep = '{"a":' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1)
    assert parse_json(deep) is not None
    value = parse_json('{"emoji": "\\ud83d\\ude00", "n": 9223372036854775807, "x": 1.5e300}')
    assert value == {"emoji": "\U0001f600", "n": (1 << 63) - 1, "x": 1.5e300}
    assert parse_json(b'["\xc3\xa9"]') == ["é"]
    assert parse_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


def test_catastrophic_regexp_is_linear() -> None:
    # Backtracking engines take seconds for 28 a's and double every two more; RE2 does not.
    document = {"id": "x", "name": "a" * 256 + "!"}
    listing = parse_filter(json.dumps({"where": {"name": {"regexp": "^(a+)+$"}}}))
    started = time.perf_counter()
    for _ in range(100):
        assert not matches(document, listing.where)
    assert time.perf_counter() - started < 1.0
    assert select([document], parse_filter('{"where": {"name": {"regexp": "^a+!$"}}}'))


@pytest.mark.parametrize("pattern", ["(a)\\1", "(?=a)b", "(?<!a)b", "(", "a{2,1}"])
def test_regexps_re2_cannot_run_are_a_400(pattern: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_filter(json.dumps({"where": {"name": {"regexp": pattern}}}))
    assert caught.value.status == 400
    assert "regular expression" in caught.value.message


# -- fuzz: the decoders raise nothing but their 400s --------------------------------------

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
_keys = st.sampled_from(
    "backend name tags experimentTag liveDataEnabled allowObjectStorage apiToken".split()
)
_shaped = st.dictionaries(_keys, _json_values | st.fixed_dictionaries({"name": st.text()}))
_filter_keys = st.sampled_from(["where", "order", "limit", "skip", "fields", "and", "or", "name"])
_operators = st.sampled_from(
    ["eq", "neq", "inq", "nin", "gt", "gte", "lt", "lte", "between", "regexp", "like", "exists"]
)
_conditions = st.dictionaries(_operators, _json_values, min_size=1, max_size=2)
_wheres = st.dictionaries(
    st.sampled_from(["name", "status", "tags", "creationDate", "backend.name", "and", "or"]),
    _json_values | _conditions | st.lists(st.dictionaries(st.just("name"), _conditions)),
    max_size=3,
)
_filters = st.dictionaries(_filter_keys, _json_values | _wheres, max_size=4)


def _texts(values: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    """JSON texts of values, with some raw mutations (escapes, cuts, constants)."""
    return st.one_of(
        values.map(json.dumps),
        st.tuples(values.map(json.dumps), st.integers(0, 200)).map(lambda t: t[0][: t[1]]),
        st.tuples(
            values.map(json.dumps), st.sampled_from(['"\\ud800"', "NaN", "1e999", "[[["])
        ).map(lambda t: t[0].replace("null", t[1], 1)),
        st.text(max_size=60),
    )


_DOCUMENTS = [
    {"id": "a", "creationDate": "2024-05-01T12:00:00.100Z", "name": "bell", "tags": ["x"]},
    {"id": "b", "creationDate": "2024-05-01T12:00:00.200Z", "status": "QUEUED", "tags": []},
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts(_shaped))
def test_fuzz_request_bodies_raise_only_400s(text: str) -> None:
    try:
        body = parse_json(text)
    except MalformedJson:
        return
    for check in (bodies.job_creation, bodies.job_update, bodies.login_token):
        try:
            check(body)
        except ApiError as err:
            assert err.status == 400 and err.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts(_filters))
def test_fuzz_filters_raise_only_400s(text: str) -> None:
    try:
        listing = parse_filter(text)
    except ApiError as err:
        assert err.status == 400 and err.message.startswith("Invalid filter")
        return
    json.dumps(select([dict(d) for d in _DOCUMENTS], listing), ensure_ascii=False).encode()
