"""Stored Qobjs and results: small ones in the database, large ones in private files."""

from __future__ import annotations

from pathlib import Path

import pytest

from refserver import statuses
from refserver.events import JobEvents
from refserver.lifecycle import Transitions
from refserver.objects import ObjectStore
from refserver.store import JobRecord, Store

JOB = "0123456789abcdef01234567"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db.sqlite3")
    store.insert_job(
        JobRecord(
            id=JOB,
            user_id="demo",
            hub="h",
            group="g",
            project="p",
            backend="ibmq_qasm_simulator",
            status=statuses.CREATING,
            creation_date="2026-01-01T00:00:00.000Z",
            time_per_step={statuses.CREATING: "2026-01-01T00:00:00.000Z"},
        ),
        None,
    )
    return store


def test_small_objects_live_in_the_database_and_large_ones_in_private_files(
    tmp_path: Path, store: Store
) -> None:
    objects = ObjectStore(tmp_path / "objects", store, inline_bytes=100)
    objects.put(JOB, "qobj", b"q" * 100)
    objects.put(JOB, "result", b"r" * 101)
    assert store.get_object(JOB, "qobj") == b"q" * 100
    assert not (tmp_path / "objects" / JOB / "qobj.json").exists()
    assert store.get_object(JOB, "result") is None
    path = tmp_path / "objects" / JOB / "result.json"
    assert path.read_bytes() == b"r" * 101
    assert path.stat().st_mode & 0o777 == 0o600
    assert (objects.get(JOB, "qobj"), objects.size(JOB, "qobj")) == (b"q" * 100, 100)
    assert (objects.get(JOB, "result"), objects.size(JOB, "result")) == (b"r" * 101, 101)
    other = "f" * 24
    assert objects.get(other, "qobj") is None and objects.size(other, "qobj") is None
    assert objects.get("../" + JOB, "qobj") is None
    with pytest.raises(ValueError, match="invalid object"):
        objects.put(JOB, "secrets", b"x")
    with pytest.raises(ValueError, match="invalid object"):
        objects.inline("../etc", "qobj", b"x")


def test_an_object_replaced_by_one_of_the_other_kind_reads_back_the_new_bytes(
    tmp_path: Path, store: Store
) -> None:
    objects = ObjectStore(tmp_path / "objects", store, inline_bytes=10)
    objects.put(JOB, "qobj", b"small")
    objects.put(JOB, "qobj", b"much larger")
    assert store.get_object(JOB, "qobj") is None
    assert objects.get(JOB, "qobj") == b"much larger"
    objects.put(JOB, "qobj", b"tiny")
    assert not (tmp_path / "objects" / JOB / "qobj.json").exists()
    assert objects.get(JOB, "qobj") == b"tiny"
    assert objects.size(JOB, "qobj") == 4


def test_objects_given_with_a_change_are_stored_only_if_it_is_saved(
    tmp_path: Path, store: Store
) -> None:
    objects = ObjectStore(tmp_path / "objects", store)
    transitions = Transitions(store, JobEvents())
    assert objects.inline(JOB, "result", b"{}")

    def refused(job: JobRecord) -> bool:
        return False

    assert transitions.update(JOB, refused, {"result": b"{}"}) is None
    assert objects.get(JOB, "result") is None

    def flagged(job: JobRecord) -> bool:
        job.result_stored = True
        return True

    record = transitions.update(JOB, flagged, {"result": b"{}"})
    assert record is not None and record.result_stored
    objects.stored_inline(JOB, "result")
    assert objects.get(JOB, "result") == b"{}"
    saved = store.get_job(JOB)
    assert saved is not None and saved.result_stored


def test_a_transition_through_intermediate_statuses_records_each_step(store: Store) -> None:
    transitions = Transitions(store, JobEvents())
    record = transitions.advance(
        JOB, {statuses.CREATING}, statuses.VALIDATING, via=[statuses.CREATED]
    )
    assert record is not None and record.status == statuses.VALIDATING
    saved = store.get_job(JOB)
    assert saved is not None and saved.status == statuses.VALIDATING
    assert list(saved.time_per_step) == [statuses.CREATING, statuses.CREATED, statuses.VALIDATING]
    assert saved.time_per_step[statuses.CREATED] == saved.time_per_step[statuses.VALIDATING]
    # Not from an unexpected status: nothing written.
    assert transitions.advance(JOB, {statuses.CREATING}, statuses.QUEUED) is None


def test_a_second_server_on_the_same_database_is_refused(tmp_path: Path, store: Store) -> None:
    # ``store`` holds the database of tmp_path for as long as it is open.
    with pytest.raises(ValueError, match="in use by another server"):
        Store(tmp_path / "db.sqlite3", lock_timeout=0.05)
    store.close()
    again = Store(tmp_path / "db.sqlite3", lock_timeout=0.05)
    assert again.get_job(JOB) is not None
    again.close()
