"""The LoopBack filter subset of the reference server's job listings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from refserver.errors import ApiError
from refserver.filters import matches, parse_filter, project, select

JOBS: list[dict[str, Any]] = [
    {
        "id": "a",
        "creationDate": "2024-05-01T12:00:00.100Z",
        "status": "COMPLETED",
        "name": "bell-1",
        "tags": ["x", "y"],
        "backend": {"name": "sim"},
        "summaryData": {"n": 2},
    },
    {
        "id": "b",
        "creationDate": "2024-05-01T12:00:00.200Z",
        "status": "ERROR_RUNNING_JOB",
        "name": "Bell-2",
        "tags": ["y"],
        "backend": {"name": "dev"},
    },
    {
        "id": "c",
        "creationDate": "2024-05-01T12:00:00.200Z",
        "status": "QUEUED",
        "tags": [],
        "backend": {"name": "sim"},
    },
]


def ids(where: dict[str, Any]) -> list[str]:
    return [job["id"] for job in JOBS if matches(job, where)]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({}, ["a", "b", "c"]),
        ({"status": "QUEUED"}, ["c"]),
        ({"backend.name": "sim"}, ["a", "c"]),
        ({"tags": "y"}, ["a", "b"]),
        ({"tags": {"inq": ["x", "z"]}}, ["a"]),
        ({"tags": {"nin": ["y"]}}, ["c"]),
        ({"status": {"inq": ["QUEUED", "COMPLETED"]}}, ["a", "c"]),
        ({"status": {"regexp": "^ERROR"}}, ["b"]),
        ({"name": {"regexp": "bell"}}, ["a"]),
        ({"name": {"regexp": "/bell/i"}}, ["a", "b"]),
        ({"name": {"regexp": "(?<n>\\d)$"}}, ["a", "b"]),
        ({"name": {"like": "ell-"}}, ["a", "b"]),
        ({"name": {"nlike": "1"}}, ["b", "c"]),
        ({"name": {"exists": False}}, ["c"]),
        ({"name": None}, ["c"]),
        ({"id": {"neq": "a"}}, ["b", "c"]),
        ({"summaryData.n": {"gte": 2}}, ["a"]),
        ({"summaryData.n": {"lt": 2}}, []),
        ({"creationDate": {"gt": "2024-05-01T12:00:00.100+00:00"}}, ["b", "c"]),
        ({"creationDate": {"lte": "2024-05-01T14:00:00.100+02:00"}}, ["a"]),
        (
            {"creationDate": {"between": ["2024-05-01T12:00:00.150Z", "2024-05-01T12:00:00.200Z"]}},
            ["b", "c"],
        ),
        ({"creationDate": "2024-05-01T12:00:00.1+00:00"}, ["a"]),
        ({"and": [{"tags": "x"}, {"tags": "y"}]}, ["a"]),
        (
            {"or": [{"status": "QUEUED"}, {"and": [{"tags": "y"}, {"name": {"regexp": "2$"}}]}]},
            ["b", "c"],
        ),
        ({"status": "QUEUED", "or": [{"tags": "x"}, {"backend.name": "sim"}]}, ["c"]),
    ],
)
def test_where_clauses(where: dict[str, Any], expected: list[str]) -> None:
    parse_filter(json.dumps({"where": where}))  # accepted by the parser too
    assert ids(where) == expected


def test_order_breaks_ties_by_id_and_pages() -> None:
    descending = select(JOBS, parse_filter('{"order": "creationDate DESC"}'))
    assert [j["id"] for j in descending] == ["c", "b", "a"]
    ascending = select(JOBS, parse_filter('{"order": "creationDate ASC", "skip": 1, "limit": 1}'))
    assert [j["id"] for j in ascending] == ["b"]
    assert len(select(JOBS, parse_filter('{"limit": 0}'))) == 3
    assert [j["id"] for j in select(JOBS, parse_filter(None))] == ["c", "b", "a"]


def test_fields_projection() -> None:
    job = JOBS[0]
    assert project(job, {"name": True}, {"id"}) == {"id": "a", "name": "bell-1"}
    assert "tags" not in project(job, {"tags": False}, {"id"})
    assert project(job, {"id": False}, {"id"})["id"] == "a"
    assert project(job, None, set()) is job


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[]",
        "3",
        '{"where": []}',
        '{"limit": -1}',
        '{"limit": true}',
        '{"skip": 1.5}',
        '{"order": "name ASC"}',
        '{"order": 3}',
        '{"fields": {"id": 1}}',
        '{"fields": []}',
        '{"extra": 1}',
        '{"where": {"name": {"regexp": "("}}}',
        '{"where": {"name": {"regexp": 3}}}',
        '{"where": {"name": {"bogus": 1}}}',
        '{"where": {"name": {}}}',
        '{"where": {"or": {}}}',
        '{"where": {"and": [1]}}',
        '{"where": {"tags": {"inq": "x"}}}',
        '{"where": {"creationDate": {"between": ["a"]}}}',
        '{"where": {"name": {"exists": 1}}}',
        '{"where": {"or": [{"name": {"nin": 3}}]}}',
    ],
)
def test_bad_filters_are_400(text: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_filter(text)
    assert raised.value.status == 400 and raised.value.code == 3216
    assert raised.value.message.startswith("Invalid filter")
