"""QueueInfo: legacy-compatible fields, local times, report, repr, to_dict and equality."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from ibmqjob._api.records import InfoQueueRecord
from ibmqjob._time import duration_difference
from ibmqjob.queueinfo import QueueInfo, status_and_queue_info
from ibmqjob.status import api_status_to_job_status


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def full_info(start: dt.datetime | str = "2024-05-01T12:10:00Z") -> QueueInfo:
    return QueueInfo(
        position=4,
        status="PENDING_IN_QUEUE",
        estimated_start_time=start,
        estimated_complete_time="2024-05-01T12:20:00.500Z",
        hub_priority=0.5,
        group_priority=0.25,
        project_priority=0.125,
        job_id="job-1",
        queue_length=17,
    )


def test_estimated_times_are_local(tokyo: None) -> None:
    info = full_info()
    start = info.estimated_start_time
    assert start == dt.datetime(2024, 5, 1, 12, 10, tzinfo=dt.UTC)
    assert start.utcoffset() == dt.timedelta(hours=9) and start.hour == 21
    assert QueueInfo().estimated_start_time is None


def test_naive_time_is_utc_and_bad_time_is_rejected() -> None:
    assert full_info(dt.datetime(2024, 5, 1, 12, 10)).to_dict()["estimated_start_time"] == (
        "2024-05-01T12:10:00Z"
    )
    with pytest.raises(ValueError):
        QueueInfo(estimated_start_time="soon")


def test_repr_lists_the_legacy_fields(tokyo: None) -> None:
    assert repr(full_info()) == (
        "<QueueInfo(job_id='job-1', _status='QUEUED', "
        "estimated_start_time='2024-05-01T21:10:00+09:00', "
        "estimated_complete_time='2024-05-01T21:20:00.500000+09:00', "
        "position=4, hub_priority=0.5, group_priority=0.25, project_priority=0.125)>"
    )
    assert "_status='unknown'" in repr(QueueInfo())


def test_format_report() -> None:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=5, seconds=30)
    report = full_info(start).format()
    lines = report.splitlines()
    assert lines[0] == "Job job-1 queue information:"
    assert lines[1:3] == ["    queue position: 4", "    status: job is queued"]
    assert lines[3] == "    estimated start time: 2 hrs 5 min"
    assert lines[4] == "    estimated completion time: "  # in the past
    assert lines[5:] == [
        "    hub priority: 0.5",
        "    group priority: 0.25",
        "    project priority: 0.125",
    ]


def test_get_value_prints_falsy_values_as_unknown() -> None:
    report = QueueInfo(position=0, hub_priority=0.0).format()
    assert "queue position: unknown" in report and "hub priority: unknown" in report
    assert "status: unknown" in report and "estimated start time: unknown" in report
    assert "Job unknown queue information:" in report


def test_unknown_queue_status_does_not_crash() -> None:
    info = QueueInfo(status="SOMETHING_ELSE", position=1)
    assert "_status='INITIALIZING'" in repr(info)
    assert "status: job is being initialized" in info.format()


def test_extra_attributes() -> None:
    info = full_info()
    assert info.queue_length == 17
    with pytest.raises(AttributeError, match="Attribute nothing is not defined"):
        _ = info.nothing


def test_to_dict_round_trip_and_equality() -> None:
    info = full_info()
    data = info.to_dict()
    assert data == {
        "position": 4,
        "status": "PENDING_IN_QUEUE",
        "estimated_start_time": "2024-05-01T12:10:00Z",
        "estimated_complete_time": "2024-05-01T12:20:00.500000Z",
        "hub_priority": 0.5,
        "group_priority": 0.25,
        "project_priority": 0.125,
        "job_id": "job-1",
        "queue_length": 17,
    }
    again = QueueInfo(**data)
    assert again == info and again is not info
    assert QueueInfo(**{**data, "position": 5}) != info
    assert info != "not a queue info"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(days=2, hours=3, minutes=4), "2 days 3 hrs"),
        (dt.timedelta(hours=1, seconds=59), "1 hrs 0 min"),
        (dt.timedelta(minutes=3, seconds=7), "3 min 7 sec"),
        (dt.timedelta(seconds=42.9), "42 sec"),
        (dt.timedelta(seconds=0.5), ""),
        (dt.timedelta(minutes=-5), ""),
    ],
)
def test_duration_difference(delta: dt.timedelta, text: str) -> None:
    now = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    assert duration_difference(now + delta, now) == text


INFO = InfoQueueRecord(status="PENDING_IN_QUEUE", position=3, hub_priority=0.5)


@pytest.mark.parametrize(
    ("api_status", "info", "has_queue_info"),
    [
        ("QUEUED", INFO, True),
        ("QUEUED", None, False),
        ("queued", INFO, False),  # only the exact wire status carries queue information
        ("PENDING_IN_QUEUE", INFO, False),
        ("RUNNING", INFO, False),
        ("COMPLETED", INFO, False),
    ],
)
def test_queue_info_only_while_exactly_queued(
    api_status: str, info: InfoQueueRecord | None, has_queue_info: bool
) -> None:
    status, queue_info = status_and_queue_info(api_status, info, "job-1")
    assert status is api_status_to_job_status(api_status)
    assert (queue_info is not None) == has_queue_info
    if queue_info is not None:
        assert queue_info.position == 3 and queue_info.job_id == "job-1"
