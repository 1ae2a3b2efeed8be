"""Listings in SQL answer exactly what the full scan in Python answers (differential test)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refserver.config import ServerConfig
from refserver.filters import sql_filter
from refserver.state import ServerState
from refserver.store import JobRecord
from refserver.timeutil import format_instant

STATUSES = ["CREATING", "QUEUED", "RUNNING", "COMPLETED", "CANCELLED", "ERROR_RUNNING_JOB"]
BACKENDS = ["ibmq_qasm_simulator", "ibmq_manila", "ibmq_lima"]
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
COUNT = 200


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerState]:
    """A server state (no threads) holding COUNT jobs of varied users, fields and dates."""
    data_dir: Path = tmp_path_factory.mktemp("listing-sql")
    state = ServerState.open(ServerConfig(data_dir=data_dir))
    rng = random.Random(11)
    millis = 0
    for index in range(COUNT):
        millis += rng.choice([0, 0, 1, 7, 1000])  # some jobs share a creation instant
        owner = rng.random()
        user, project = ("demo", "main") if owner < 0.8 else ("demo", "secondary")
        if owner > 0.95:
            user = "other"
        record = JobRecord(
            id=f"{rng.getrandbits(96):024x}",
            user_id=user,
            hub="ibm-q",
            group="open",
            project=project,
            backend=rng.choice(BACKENDS),
            status=rng.choice(STATUSES),
            creation_date=format_instant(START + timedelta(milliseconds=millis)),
            name=rng.choice([None, f"bell-{index % 13}", "Bell", "ghz"]),
            tags=rng.sample(["a", "b", "c", "ibmq_jobset_1"], rng.randint(0, 3)),
            deleted=rng.random() < 0.05,
        )
        state.store.insert_job(record, None)
    yield state
    state.store.close()


def _dataset(state: ServerState) -> list[JobRecord]:
    return state.store.project_jobs(None, "ibm-q", "open", "main")


def _instants() -> st.SearchStrategy[str]:
    def shown(offset_ms: int, micros: int, zone: int, style: int) -> str:
        moment = START + timedelta(milliseconds=offset_ms, microseconds=micros)
        if style == 0:
            return format_instant(moment)
        return moment.astimezone(timezone(timedelta(hours=zone))).isoformat()

    return st.builds(
        shown,
        st.integers(-5, COUNT * 300),
        st.sampled_from([0, 0, 1, 500, 999]),
        st.integers(-5, 5),
        st.integers(0, 1),
    )


def _conditions(ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    texts = {
        "id": st.sampled_from(ids),
        "status": st.sampled_from([*STATUSES, "VALIDATING"]),
        "backend.name": st.sampled_from(BACKENDS),
        "name": st.sampled_from(["Bell", "ghz", "bell-3", "2024-05-01T12:00:00Z"]),
        "tags": st.sampled_from(["a", "b", "ibmq_jobset_1"]),
    }
    text_conditions = [
        st.tuples(st.just(field), values | st.fixed_dictionaries({op: values}))
        for field, values in texts.items()
        for op in ("eq", "neq")
    ] + [
        st.tuples(st.just(field), st.fixed_dictionaries({op: st.lists(values, max_size=3)}))
        for field, values in texts.items()
        for op in ("inq", "nin")
    ]
    date_conditions = [
        st.tuples(st.just("creationDate"), st.fixed_dictionaries({op: _instants()}))
        for op in ("eq", "gt", "gte", "lt", "lte")
    ] + [
        st.tuples(
            st.just("creationDate"),
            st.fixed_dictionaries({"between": st.lists(_instants(), min_size=2, max_size=2)}),
        ),
        st.tuples(
            st.just("name"), st.fixed_dictionaries({"regexp": st.sampled_from(["^b", "/L/i"])})
        ),
        st.tuples(st.just("name"), st.fixed_dictionaries({"exists": st.booleans()})),
    ]
    pair = st.one_of(*text_conditions, *date_conditions)
    flat = st.lists(pair, max_size=3).map(dict)
    return st.recursive(
        flat,
        lambda inner: st.tuples(
            flat, st.sampled_from(["and", "or"]), st.lists(inner, max_size=3)
        ).map(lambda t: {**t[0], t[1]: t[2]}),
        max_leaves=4,
    )


def _filters(ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"where": _conditions(ids)},
        optional={
            "order": st.sampled_from(["creationDate ASC", "creationDate DESC"]),
            "limit": st.integers(0, 60),
            "skip": st.integers(0, 80),
            "fields": st.sampled_from([{"name": True}, {"tags": False}]),
        },
    )


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_sql_listing_matches_the_python_scan(state: ServerState, data: st.DataObject) -> None:
    ids = [record.id for record in _dataset(state)]
    filter_ = data.draw(_filters(ids))
    user = state.users.get("demo")
    assert user is not None
    member = user.membership("ibm-q", "open", "main")
    assert member is not None
    text = json.dumps(filter_)
    for as_ids in (False, True):
        expected = state.jobs.listing_scan(user, member, text, ids=as_ids)
        assert state.jobs.listing(user, member, text, ids=as_ids) == expected, text


def test_cursor_pages_are_exact_sql() -> None:
    where = {
        "and": [
            {"creationDate": {"lte": "2024-05-01T12:00:01.000Z"}},
            {"id": {"nin": ["0123456789abcdef01234567"]}},
        ]
    }
    translated = sql_filter(where)
    assert translated.exact
    assert translated.clauses == ("creation_ms <= ?", "id NOT IN (?)")
    assert not sql_filter({"name": "bell"}).exact
    assert not sql_filter({"or": [{"status": "QUEUED"}]}).exact
    # A bound between two milliseconds: lt rounds up, lte rounds down.
    assert sql_filter({"creationDate": {"lt": "1970-01-01T00:00:00.0015Z"}}).params == (2,)
    assert sql_filter({"creationDate": {"lte": "1970-01-01T00:00:00.0015Z"}}).params == (1,)
    assert sql_filter({"creationDate": {"eq": "1970-01-01T00:00:00.0015Z"}}).clauses == ("0",)


def test_the_listing_query_uses_the_index(state: ServerState) -> None:
    plan = state.store._db.execute(  # the query iter_project_job_texts sends for a cursor page
        "EXPLAIN QUERY PLAN SELECT record, creation_ms, id FROM jobs WHERE user_id = ? AND"
        " hub = ? AND grp = ? AND project = ? AND deleted = 0 AND (creation_ms <= ?)"
        " AND (id NOT IN (?)) ORDER BY creation_ms DESC, id DESC LIMIT ? OFFSET ?",
        ("demo", "ibm-q", "open", "main", 0, "x", 10, 0),
    ).fetchall()
    text = " ".join(str(row[-1]) for row in plan)
    assert "jobs_listing" in text and "TEMP B-TREE" not in text, text


def test_databases_of_older_servers_get_the_new_column(tmp_path: Path) -> None:
    import sqlite3

    from refserver.store import Store

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE jobs (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, hub TEXT NOT NULL,"
        " grp TEXT NOT NULL, project TEXT NOT NULL, backend TEXT NOT NULL, status TEXT NOT NULL,"
        " creation_date TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL);"
    )
    record = JobRecord("a" * 24, "demo", "h", "g", "p", "sim", "QUEUED", "2024-05-01T12:00:00.250Z")
    old.execute(
        "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        ("a" * 24, "demo", "h", "g", "p", "sim", "QUEUED", record.creation_date, record.to_json()),
    )
    old.commit()
    old.close()
    store = Store(path)
    texts = store.iter_project_job_texts(
        "demo", "h", "g", "p", ["creation_ms = ?"], [1714564800250]
    )
    assert [JobRecord.from_json(text).id for text in texts] == ["a" * 24]
    store.close()


def test_listing_items_follow_their_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import refserver.jobs

    monkeypatch.setattr(refserver.jobs, "LISTED_DOCUMENTS", 3)
    state = ServerState.open(ServerConfig(data_dir=tmp_path))
    try:
        for index, status in enumerate(["COMPLETED"] * 4 + ["QUEUED"]):
            record = JobRecord(
                id=f"{index:024x}",
                user_id="demo",
                hub="ibm-q",
                group="open",
                project="main",
                backend="ibmq_qasm_simulator",
                status=status,
                creation_date=format_instant(START + timedelta(seconds=index)),
                tags=["before"],
            )
            state.store.insert_job(record, None)
        user = state.users.get("demo")
        assert user is not None
        member = user.membership("ibm-q", "open", "main")
        assert member is not None

        def listed() -> list[dict[str, Any]]:
            return state.jobs.listing(user, member, '{"order": "creationDate ASC"}', ids=False)

        assert [item["tags"] for item in listed()] == [["before"]] * 5

        def retag(record: JobRecord) -> bool:
            record.tags = ["after"]
            return True

        state.store.update_job(f"{1:024x}", retag)
        items = listed()
        assert [item["tags"] for item in items] == [["before"], ["after"], *[["before"]] * 3]
        assert items == state.jobs.listing_scan(
            user, member, '{"order": "creationDate ASC"}', ids=False
        )
        # Final jobs only, and no more than LISTED_DOCUMENTS of them.
        assert len(state.jobs._listed) == 3
        assert all('"status":"COMPLETED"' in text for text in state.jobs._listed)
    finally:
        state.store.close()
