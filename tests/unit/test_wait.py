"""The waiting loop: websocket first, polling fallback, one deadline, callback dispatch."""

from __future__ import annotations

from collections.abc import Generator, Sequence

import pytest
from qiskit.providers import JobStatus

from ibmqjob._api.records import InfoQueueRecord, StatusRecord
from ibmqjob._wait import CallbackDispatcher, Observation, wait_for_final_status
from ibmqjob.exceptions import (
    RequestsApiError,
    UserTimeoutExceededError,
    WebsocketAuthenticationError,
    WebsocketError,
    WebsocketTimeoutError,
)
from ibmqjob.queueinfo import QueueInfo, status_and_queue_info
from tests.unit.fake_job_api import FakeClock


def observe(record: StatusRecord) -> Observation:
    return status_and_queue_info(record.status, record.info_queue, "job-1")


class Poller:
    """``fetch_status`` over a script; the last status repeats."""

    def __init__(self, statuses: list[str], clock: FakeClock) -> None:
        self.statuses = statuses
        self.clock = clock
        self.times: list[float] = []

    def __call__(self) -> StatusRecord:
        self.times.append(self.clock.now)
        index = min(len(self.times) - 1, len(self.statuses) - 1)
        return StatusRecord(self.statuses[index])


class ScriptedStream:
    """A StatusStream yielding each item after advancing the clock by its delay.

    ``opened`` lists the ``(deadline, tick)`` of every opening.
    """

    def __init__(
        self, items: Sequence[tuple[float, str | Exception | None]], clock: FakeClock
    ) -> None:
        self.items = items
        self.clock = clock
        self.opened: list[tuple[float | None, float | None]] = []

    def __call__(
        self, deadline: float | None, tick: float | None
    ) -> Generator[StatusRecord | None, None, None]:
        self.opened.append((deadline, tick))
        for delay, item in self.items:
            self.clock.now += delay
            if isinstance(item, Exception):
                raise item
            yield None if item is None else StatusRecord(item)


def stream_of(
    items: Sequence[tuple[float, str | Exception | None]], clock: FakeClock
) -> ScriptedStream:
    """A StatusStream yielding each item after advancing the clock by its delay."""
    return ScriptedStream(items, clock)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_polling_until_final(clock: FakeClock) -> None:
    poll = Poller(["QUEUED", "RUNNING", "COMPLETED"], clock)
    status, info = wait_for_final_status(
        fetch_status=poll, observe=observe, poll_interval=5, sleep=clock.sleep, clock=clock
    )
    assert status is JobStatus.DONE and info is None
    assert [t - poll.times[0] for t in poll.times] == [0, 5, 10]


def test_polling_timeout_is_exact(clock: FakeClock) -> None:
    poll = Poller(["QUEUED"], clock)
    with pytest.raises(UserTimeoutExceededError):
        wait_for_final_status(
            fetch_status=poll,
            observe=observe,
            timeout=7,
            poll_interval=3,
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.sleeps == [3, 3, 1] and len(poll.times) == 4


def test_websocket_first_no_polling(clock: FakeClock) -> None:
    poll = Poller(["QUEUED"], clock)
    stream = stream_of([(1, "QUEUED"), (1, "RUNNING"), (1, "COMPLETED")], clock)
    status, _ = wait_for_final_status(
        fetch_status=poll, observe=observe, stream=stream, sleep=clock.sleep, clock=clock
    )
    assert status is JobStatus.DONE and poll.times == []


def test_websocket_timeout_is_honoured(clock: FakeClock) -> None:
    stream = stream_of([(1, "QUEUED"), (0, WebsocketTimeoutError("deadline"))], clock)
    with pytest.raises(UserTimeoutExceededError):
        wait_for_final_status(
            fetch_status=Poller(["QUEUED"], clock),
            observe=observe,
            stream=stream,
            timeout=10,
            sleep=clock.sleep,
            clock=clock,
        )
    assert stream.opened == [(1010.0, None)]


def test_deadline_checked_between_websocket_frames(clock: FakeClock) -> None:
    # A stream that keeps sending non-final frames must not outlive the timeout.
    stream = stream_of([(4, "QUEUED")] * 10, clock)
    poll = Poller(["QUEUED"], clock)
    with pytest.raises(UserTimeoutExceededError):
        wait_for_final_status(
            fetch_status=poll, observe=observe, stream=stream, timeout=10, clock=clock
        )
    assert clock.now == 1012 and poll.times == []


@pytest.mark.parametrize(
    "failure", [WebsocketError("Job ID x not found."), WebsocketAuthenticationError("no auth")]
)
def test_websocket_failure_falls_back_to_polling_with_the_remaining_time(
    clock: FakeClock, failure: WebsocketError
) -> None:
    stream = stream_of([(2, "QUEUED"), (3, failure)], clock)
    poll = Poller(["QUEUED"], clock)
    with pytest.raises(UserTimeoutExceededError):
        wait_for_final_status(
            fetch_status=poll,
            observe=observe,
            stream=stream,
            timeout=12,
            poll_interval=5,
            sleep=clock.sleep,
            clock=clock,
        )
    assert [t - 1000 for t in poll.times] == [5, 10, 12]


def test_stream_ending_without_final_status_falls_back(clock: FakeClock) -> None:
    stream = stream_of([(1, "RUNNING")], clock)
    poll = Poller(["RUNNING", "COMPLETED"], clock)
    status, _ = wait_for_final_status(
        fetch_status=poll, observe=observe, stream=stream, sleep=clock.sleep, clock=clock
    )
    assert status is JobStatus.DONE and len(poll.times) == 2


def test_polling_errors_propagate(clock: FakeClock) -> None:
    def broken() -> StatusRecord:
        raise RequestsApiError("502 Bad Gateway", 502)

    with pytest.raises(RequestsApiError):
        wait_for_final_status(fetch_status=broken, observe=observe, clock=clock, sleep=clock.sleep)


def test_negative_values_are_rejected(clock: FakeClock) -> None:
    poll = Poller(["COMPLETED"], clock)
    with pytest.raises(ValueError, match="timeout"):
        wait_for_final_status(fetch_status=poll, observe=observe, timeout=-1)
    with pytest.raises(ValueError, match="wait"):
        wait_for_final_status(fetch_status=poll, observe=observe, poll_interval=-1)


def test_already_final_on_first_poll_calls_no_callback(clock: FakeClock) -> None:
    calls: list[object] = []
    dispatcher = CallbackDispatcher(lambda s, q: calls.append(s), None, clock)
    wait_for_final_status(
        fetch_status=Poller(["CANCELLED"], clock),
        observe=observe,
        dispatcher=dispatcher,
        clock=clock,
        sleep=clock.sleep,
    )
    assert calls == []


def test_callback_on_change_with_queue_info(clock: FakeClock) -> None:
    infos = [InfoQueueRecord(position=p) for p in (3, 3, 2)]
    records = iter([StatusRecord("QUEUED", info) for info in infos] + [StatusRecord("COMPLETED")])
    calls: list[tuple[JobStatus, int | None]] = []
    dispatcher = CallbackDispatcher(
        lambda s, q: calls.append((s, q.position if q else None)), None, clock
    )
    wait_for_final_status(
        fetch_status=lambda: next(records),
        observe=observe,
        dispatcher=dispatcher,
        sleep=clock.sleep,
        clock=clock,
    )
    assert calls == [(JobStatus.QUEUED, 3), (JobStatus.QUEUED, 2)]


def test_periodic_callbacks_on_the_websocket_path(clock: FakeClock) -> None:
    # The stream hands control back every `tick` seconds with None.
    stream = stream_of([(1, "QUEUED")] + [(1, None)] * 6 + [(1, "COMPLETED")], clock)
    times: list[float] = []
    dispatcher = CallbackDispatcher(lambda s, q: times.append(clock.now), 2, clock)
    wait_for_final_status(
        fetch_status=Poller([], clock),
        observe=observe,
        stream=stream,
        dispatcher=dispatcher,
        clock=clock,
    )
    assert stream.opened == [(None, 2)]
    assert [t - 1000 for t in times] == [2, 4, 6]


def test_dispatcher_skips_missed_periods(clock: FakeClock) -> None:
    times: list[float] = []
    dispatcher = CallbackDispatcher(lambda s, q: times.append(clock.now), 2, clock)
    dispatcher.observe(JobStatus.QUEUED, None)
    clock.now += 7
    dispatcher.tick()
    dispatcher.tick()
    clock.now += 1
    dispatcher.tick()
    assert [t - 1000 for t in times] == [7, 8]
    assert dispatcher.seconds_to_next() == 2


def test_callback_exceptions_end_the_wait(clock: FakeClock) -> None:
    def callback(status: JobStatus, queue_info: QueueInfo | None) -> None:
        raise RuntimeError("user bug")

    with pytest.raises(RuntimeError, match="user bug"):
        wait_for_final_status(
            fetch_status=Poller(["QUEUED", "COMPLETED"], clock),
            observe=observe,
            dispatcher=CallbackDispatcher(callback, None, clock),
            clock=clock,
            sleep=clock.sleep,
        )


def test_a_silent_websocket_is_backed_by_a_status_check(clock: FakeClock) -> None:
    # The websocket authenticated, then says nothing; the job finished meanwhile.
    stream = stream_of([(1, "QUEUED")] + [(0.5, None)] * 100, clock)
    poll = Poller(["COMPLETED"], clock)

    status, _ = wait_for_final_status(
        fetch_status=poll,
        observe=observe,
        stream=stream,
        timeout=60,
        sleep=clock.sleep,
        clock=clock,
        silence_check=3.0,
    )

    assert status is JobStatus.DONE
    assert poll.times == [1004.0]  # 3 s after the last frame
    assert stream.opened == [(1060.0, 3.0)]  # the stream hands control back in time


def test_a_failed_status_check_leaves_the_wait_on_the_websocket(clock: FakeClock) -> None:
    stream = stream_of([(2, None), (2, None), (1, "COMPLETED")], clock)
    calls: list[float] = []

    def failing() -> StatusRecord:
        calls.append(clock.now)
        raise RequestsApiError("502 Server Error", 502)

    status, _ = wait_for_final_status(
        fetch_status=failing,
        observe=observe,
        stream=stream,
        sleep=clock.sleep,
        clock=clock,
        silence_check=1.0,
    )

    assert status is JobStatus.DONE and len(calls) == 2
