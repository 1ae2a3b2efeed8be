"""Hypothesis strategies for the spec's custom string formats.

The job listings take a ``filter`` query parameter holding the JSON text of a LoopBack filter
(``format: loopback-filter``, schema ``LoopBackFilter`` in ``spec/openapi.yaml``); the device
properties take a ``filter`` restricted to a date bound (``format: properties-filter``). Schema
generation cannot know that a string must hold JSON of a given shape, so without these
strategies every generated filter would be random text, rejected with 400, and the listing
operations would never be exercised with valid input.

The strategies only build filters a conforming server must accept: known operators, valid
regular expressions (escaped literals), UTC instants, bounded ``limit`` and ``skip``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "LOOPBACK_FILTER",
    "PROPERTIES_FILTER",
    "loopback_filters",
    "properties_filters",
    "where_clauses",
]

LOOPBACK_FILTER = "loopback-filter"
PROPERTIES_FILTER = "properties-filter"

# Statuses a server documents (spec: ApiJobStatus); listing by any of them must work.
_STATUSES = (
    "CREATING",
    "CREATED",
    "VALIDATING",
    "VALIDATED",
    "QUEUED",
    "RUNNING",
    "COMPLETED",
    "CANCELLED",
    "ERROR_CREATING_JOB",
    "ERROR_VALIDATING_JOB",
    "ERROR_RUNNING_JOB",
)
_TEXT_FIELDS = ("name", "experimentTag", "backend.name", "hubInfo.hub.name", "id")
_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=12)
_ORDERS = ("creationDate DESC", "creationDate ASC")
# A projection keeps the fields every listed item must carry (spec: Job requires them).
_ALWAYS_PROJECTED = {"id": True, "creationDate": True, "status": True}
_PROJECTABLE = ("liveDataEnabled", "name", "tags", "backend", "kind")
_EARLIEST = dt.datetime(2019, 1, 1)
_LATEST = dt.datetime(2035, 12, 31)


def _spell(moment: dt.datetime, zulu: bool) -> str:
    """Spell a naive UTC moment as ISO 8601, with ``Z`` and milliseconds or with ``+00:00``."""
    if zulu:
        return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"
    return moment.replace(tzinfo=dt.UTC).isoformat()


_MOMENTS = st.datetimes(min_value=_EARLIEST, max_value=_LATEST)


def _utc_instants() -> st.SearchStrategy[str]:
    """ISO 8601 UTC instants in both spellings clients send (``Z`` and ``+00:00``)."""
    return st.builds(_spell, _MOMENTS, st.booleans())


def _utc_ranges() -> st.SearchStrategy[list[str]]:
    """``[low, high]`` pairs of UTC instants, ordered as instants whatever their spelling."""
    return st.builds(
        lambda pair, zulus: [_spell(m, z) for m, z in zip(sorted(pair), zulus, strict=True)],
        st.lists(_MOMENTS, min_size=2, max_size=2),
        st.lists(st.booleans(), min_size=2, max_size=2),
    )


def _regexps() -> st.SearchStrategy[str]:
    """Valid regular expressions (JavaScript and Python agree on these): escaped literals."""
    return st.builds(
        lambda anchored, word: ("^" if anchored else "") + re.escape(word), st.booleans(), _WORDS
    )


def _status_clauses() -> st.SearchStrategy[dict[str, Any]]:
    status = st.sampled_from(_STATUSES)
    return st.one_of(
        st.builds(lambda s: {"status": s}, status),
        st.builds(lambda s: {"status": {"inq": s}}, st.lists(status, min_size=1, max_size=4)),
        st.builds(lambda s: {"status": {"nin": s}}, st.lists(status, min_size=1, max_size=4)),
        st.builds(lambda s: {"status": {"neq": s}}, status),
        st.just({"status": {"regexp": "^ERROR"}}),
    )


def _text_clauses() -> st.SearchStrategy[dict[str, Any]]:
    field = st.sampled_from(_TEXT_FIELDS)
    return st.one_of(
        st.builds(lambda f, v: {f: v}, field, _WORDS),
        st.builds(lambda f, v: {f: {"regexp": v}}, field, _regexps()),
        st.builds(lambda f, v: {f: {"inq": v}}, field, st.lists(_WORDS, min_size=1, max_size=3)),
        st.builds(lambda f, v: {f: {"neq": v}}, field, _WORDS),
    )


def _tag_clauses() -> st.SearchStrategy[dict[str, Any]]:
    word_lists = st.lists(_WORDS, min_size=1, max_size=3)
    return st.one_of(
        st.builds(lambda t: {"tags": t}, _WORDS),
        st.builds(lambda t: {"tags": {"inq": t}}, word_lists),
        st.builds(lambda t: {"and": [{"tags": tag} for tag in t]}, word_lists),
    )


def _date_clauses() -> st.SearchStrategy[dict[str, Any]]:
    instant = _utc_instants()
    operator = st.sampled_from(("gt", "gte", "lt", "lte"))
    return st.one_of(
        st.builds(lambda op, t: {"creationDate": {op: t}}, operator, instant),
        st.builds(lambda pair: {"creationDate": {"between": pair}}, _utc_ranges()),
    )


def where_clauses(max_depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    """LoopBack ``where`` clauses over job fields, nested in ``and``/``or`` up to ``max_depth``.

    Args:
        max_depth: How many levels of ``and``/``or`` may nest.

    Returns:
        A strategy of where clauses (dicts).
    """
    leaf = st.one_of(_status_clauses(), _text_clauses(), _tag_clauses(), _date_clauses())
    if max_depth <= 0:
        return leaf
    nested = where_clauses(max_depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda xs: {"and": xs}, st.lists(nested, min_size=1, max_size=3)),
        st.builds(lambda xs: {"or": xs}, st.lists(nested, min_size=1, max_size=3)),
        st.builds(lambda a, b: {**a, **b}, leaf, leaf),
    )


def _filter_documents() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "where": where_clauses(),
            "order": st.sampled_from(_ORDERS),
            "limit": st.integers(min_value=0, max_value=100),
            "skip": st.integers(min_value=0, max_value=1000),
            "fields": st.dictionaries(st.sampled_from(_PROJECTABLE), st.just(True), max_size=3).map(
                lambda extra: {**_ALWAYS_PROJECTED, **extra}
            ),
        },
    )


def loopback_filters() -> st.SearchStrategy[str]:
    """JSON text of valid LoopBack filters (format ``loopback-filter``).

    Returns:
        A strategy of strings.
    """
    return _filter_documents().map(lambda doc: json.dumps(doc, separators=(",", ":")))


def properties_filters() -> st.SearchStrategy[str]:
    """JSON text of valid device-properties filters (format ``properties-filter``).

    Returns:
        A strategy of strings such as ``{"where": {"last_update_date": {"lt": "..."}}}``.
    """
    return _utc_instants().map(
        lambda moment: json.dumps({"where": {"last_update_date": {"lt": moment}}})
    )
