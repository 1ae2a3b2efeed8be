"""Timeouts are promises: a blocking call returns or raises ``IBMQJobTimeoutError`` within its
timeout plus 1 s whatever the server does, and outages shorter than the timeout are ridden out.

The SDK talks to a real reference server through the fault proxy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from benchmarks.faultkit.harness import FaultyServer, bell, faulty_server
from benchmarks.faultkit.proxy import Rule
from ibmqjob import IBMQJob, IBMQJobTimeoutError
from ibmqjob.settings import HttpSettings, WebsocketPolicy
from tests.integration.faults_support import in_thread, timed

STATUS = r"/Jobs/[0-9a-f]+/status/v/1$"
JOB = r"/Jobs/[0-9a-f]+/v/1$"
SLACK = 1.0  # the promise: the timeout plus at most this


@pytest.fixture(scope="module")
def shared() -> Iterator[FaultyServer]:
    # Each job spends 1 s in each of VALIDATING, VALIDATED and QUEUED: it is not final at once.
    with faulty_server(step_delay=1.0) as pair:
        yield pair


@pytest.fixture
def faulty(shared: FaultyServer) -> Iterator[FaultyServer]:
    shared.proxy.clear()
    yield shared
    shared.proxy.clear()
    shared.proxy.wait_up()  # an outage the test started ends before the next test


@contextlib.contextmanager
def submitted(
    faulty: FaultyServer, settings: HttpSettings | None = None, *, use_websocket: bool = True
) -> Iterator[IBMQJob]:
    """A Bell job just submitted (not final yet), its account open until the block ends."""
    with faulty.backend(settings, use_websocket=use_websocket) as backend:
        yield backend.run(bell(), shots=100, seed_simulator=3)


@pytest.mark.parametrize(
    "rule",
    [
        Rule("delay", method="GET", path=STATUS, seconds=20.0, times=None),
        Rule("trickle", method="GET", path=STATUS, seconds=0.5, times=None),
    ],
    ids=["slow-status-reply", "trickled-status-body"],
)
def test_result_times_out_on_time_when_status_replies_are_slow(
    faulty: FaultyServer, rule: Rule
) -> None:
    with submitted(faulty, use_websocket=False) as job:
        faulty.proxy.add(rule)

        outcome, took = timed(lambda: in_thread(lambda: job.result(timeout=3, wait=0.2), 40))

        assert isinstance(outcome, IBMQJobTimeoutError), outcome
        assert took < 3 + SLACK
        assert rule.applied >= 1


def test_a_trickled_status_cannot_hold_wait_for_final_state(faulty: FaultyServer) -> None:
    with submitted(faulty, use_websocket=False) as job:
        # The job is final, but its status comes a byte every 0.3 s.
        faulty.wait_final(job.job_id())
        faulty.proxy.add(Rule("trickle", method="GET", path=STATUS, seconds=0.3, times=None))

        outcome, took = timed(lambda: in_thread(lambda: job.wait_for_final_state(timeout=5), 60))

        assert isinstance(outcome, IBMQJobTimeoutError), outcome
        assert took < 5 + SLACK


def test_a_silent_websocket_does_not_hide_a_finished_job(faulty: FaultyServer) -> None:
    # Default settings: after 10 s of silence the status is asked over HTTP.
    with submitted(faulty) as job:
        # The websocket authenticates, then the server's frames are withheld: it stays open.
        rule = Rule("ws_silent", path="/ws/", frames=1, times=None)
        faulty.proxy.add(rule)

        result = in_thread(lambda: job.result(timeout=30), 40)

        assert not isinstance(result, BaseException), result
        assert set(result.get_counts()) <= {"00", "11"}
        assert rule.applied >= 1


def test_a_silent_websocket_times_out_on_time(faulty: FaultyServer) -> None:
    with submitted(faulty) as job:
        faulty.proxy.add(Rule("ws_silent", path="/ws/", frames=1, times=None))

        outcome, took = timed(lambda: in_thread(lambda: job.result(timeout=2), 30))

        assert isinstance(outcome, IBMQJobTimeoutError), outcome
        assert took < 2 + SLACK


def test_dropped_status_frames_do_not_hide_a_finished_job(faulty: FaultyServer) -> None:
    settings = HttpSettings(websocket=WebsocketPolicy(silence_check=1.0))
    with submitted(faulty, settings) as job:
        faulty.proxy.add(Rule("ws_drop", path="/ws/", frames=1, times=None))

        result = in_thread(lambda: job.result(timeout=30), 40)

        assert not isinstance(result, BaseException), result
        assert sum(result.get_counts().values()) == 100


def test_an_outage_shorter_than_the_timeout_is_ridden_out(faulty: FaultyServer) -> None:
    with submitted(faulty, use_websocket=False) as job:
        faulty.proxy.outage(7.0)  # connections refused for 7 s: more than the retry budget

        result = in_thread(lambda: job.result(timeout=60, wait=0.2), 70)

        assert not isinstance(result, BaseException), result
        assert sum(result.get_counts().values()) == 100


def test_a_5xx_burst_longer_than_the_retry_budget_is_ridden_out(faulty: FaultyServer) -> None:
    with submitted(faulty, use_websocket=False) as job:
        burst = Rule("status_before", method="GET", path=STATUS, status=503, times=8)
        faulty.proxy.add(burst)

        result = in_thread(lambda: job.result(timeout=60, wait=0.2), 70)

        assert not isinstance(result, BaseException), result
        assert burst.applied == 8


@pytest.mark.parametrize("fault", ["truncate", "reset_response"])
def test_a_read_cut_off_mid_body_is_retried(faulty: FaultyServer, fault: str) -> None:
    with submitted(faulty, use_websocket=False) as job:
        rules = [
            Rule(fault, method="GET", path=STATUS),
            Rule(fault, method="GET", path=JOB),
            Rule(fault, method="GET", path="/objectstorage/.*/result"),
        ]
        faulty.proxy.add(*rules)

        # result() reads the status and the result; the job document, which it no longer
        # needs, is read on first use of an attribute only it brings (time_per_step).
        result = in_thread(lambda: (job.result(timeout=60, wait=0.2), job.time_per_step()), 70)

        assert not isinstance(result, BaseException), result
        assert [rule.applied for rule in rules] == [1, 1, 1]
