"""Job listings (J7, J8) with LoopBack filters and the original client's cursor paging."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj, cursor_pages


@pytest.fixture(scope="module")
def tagged_jobs(reference_server: ServerThread) -> dict[str, Any]:
    """Jobs of the demo user tagged for this module: 24 created fast, a few with data."""
    tag = "listing-" + uuid.uuid4().hex[:8]
    with ApiSession(reference_server.auth_url, reference_server.demo_token) as session:
        created = [
            session.create(name=f"{tag}-{i:02d}", tags=[tag, f"{tag}-{i % 3}"]) for i in range(24)
        ]
        done = session.submit(bell_qobj(shots=10), name=f"{tag}-done", tags=[tag, "finished"])
        session.wait_for(done)
        failed = session.submit(bell_qobj(shots=10**6), name=f"{tag}-bad", tags=[tag])
        session.wait_for(failed)
    return {"tag": tag, "created": created, "done": done, "failed": failed}


def test_creation_dates_are_distinct_milliseconds(tagged_jobs: dict[str, Any]) -> None:
    dates = [job["creationDate"] for job in tagged_jobs["created"]]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("page", [1, 5, 7])
def test_cursor_paging_neither_repeats_nor_skips(
    demo_session: ApiSession, tagged_jobs: dict[str, Any], descending: bool, page: int
) -> None:
    where = {"tags": tagged_jobs["tag"]}
    listed = cursor_pages(demo_session, where, limit=100, page=page, descending=descending)
    ids = [job["id"] for job in listed]
    assert len(ids) == len(set(ids)) == 26
    keys = [(job["creationDate"], job["id"]) for job in listed]
    assert keys == sorted(keys, reverse=descending)


def test_listing_items_carry_kind_backend_and_no_time_per_step(
    demo_session: ApiSession, tagged_jobs: dict[str, Any]
) -> None:
    items = demo_session.jobs({"where": {"tags": tagged_jobs["tag"]}, "limit": 3})
    assert len(items) == 3
    for item in items:
        assert {"id", "creationDate", "status", "kind", "backend"} <= set(item)
        assert "timePerStep" not in item


def test_filters_on_status_name_tags_and_dates(
    demo_session: ApiSession, tagged_jobs: dict[str, Any]
) -> None:
    tag = tagged_jobs["tag"]

    def ids(where: dict[str, Any]) -> set[str]:
        return {j["id"] for j in demo_session.jobs({"where": {"tags": tag, **where}, "limit": 0})}

    created_ids = {j["id"] for j in tagged_jobs["created"]}
    assert ids({"status": "COMPLETED"}) == {tagged_jobs["done"]}
    assert ids({"status": {"regexp": "^ERROR"}}) == {tagged_jobs["failed"]}
    assert ids({"status": {"inq": ["CREATING", "CREATED"]}}) == created_ids
    assert ids({"status": {"nin": ["CREATING"]}}) == {tagged_jobs["done"], tagged_jobs["failed"]}
    assert ids({"name": {"regexp": f"{tag}-0[0-4]$"}}) == {
        j["id"] for j in tagged_jobs["created"][:5]
    }
    assert ids({"name": {"regexp": f"/{tag.upper()}-DONE/i"}}) == {tagged_jobs["done"]}
    assert ids({"and": [{"tags": f"{tag}-0"}, {"tags": f"{tag}-1"}]}) == set()
    assert len(ids({"tags": {"inq": [f"{tag}-0", f"{tag}-1"]}})) == 16
    assert (
        len(
            ids(
                {
                    "or": [
                        {"tags": f"{tag}-0"},
                        {"and": [{"tags": f"{tag}-1"}, {"name": {"regexp": "-01$"}}]},
                    ]
                }
            )
        )
        == 9
    )
    assert ids({"id": {"neq": tagged_jobs["done"]}, "tags": "finished"}) == set()
    assert ids({"backend.name": "ibmq_qasm_simulator", "hubInfo.hub.name": "ibm-q"}) >= created_ids
    assert ids({"summaryData.summary.qobj_config.n_qubits": 2}) == {tagged_jobs["done"]}

    dates = sorted(j["creationDate"] for j in tagged_jobs["created"])
    with_offset = [datetime.fromisoformat(d.replace("Z", "+00:00")).isoformat() for d in dates]
    assert with_offset[3].endswith("+00:00")
    between_z = ids({"creationDate": {"between": [dates[3], dates[8]]}})
    between_offset = ids({"creationDate": {"between": [with_offset[3], with_offset[8]]}})
    assert between_z == between_offset and len(between_z) == 6
    assert len(ids({"creationDate": {"gt": with_offset[20]}}) & created_ids) == 3
    assert len(ids({"creationDate": {"lt": dates[2]}})) == 2
    assert ids({"creationDate": {"gte": datetime.now(UTC).isoformat()}}) == set()


def test_order_limit_skip_and_fields(demo_session: ApiSession, tagged_jobs: dict[str, Any]) -> None:
    where = {"tags": tagged_jobs["tag"]}
    newest = demo_session.jobs({"where": where, "order": "creationDate DESC", "limit": 4})
    oldest = demo_session.jobs({"where": where, "order": "creationDate ASC", "limit": 4, "skip": 2})
    assert [j["id"] for j in oldest] == [j["id"] for j in tagged_jobs["created"][2:6]]
    assert newest[0]["creationDate"] > newest[-1]["creationDate"]
    projected = demo_session.jobs(
        {
            "where": where,
            "limit": 2,
            "fields": {"id": True, "creationDate": True, "liveDataEnabled": True},
        },
        ids=True,
    )
    assert [set(item) for item in projected] == [{"id", "creationDate", "liveDataEnabled"}] * 2
    default_ids = demo_session.jobs({"where": where, "limit": 1}, ids=True)
    assert set(default_ids[0]) == {"id", "creationDate", "liveDataEnabled"}
    only_name = demo_session.jobs({"where": where, "limit": 1, "fields": {"name": True}}, ids=True)
    assert set(only_name[0]) == {"id", "name"}
