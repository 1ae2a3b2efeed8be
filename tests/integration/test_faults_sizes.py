"""Every response is read to a cap: a huge body fails with a clear error, having grown the
client by no more than the cap, and the result cap can be raised.

The SDK talks to a real reference server through the fault proxy.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

import pytest

from benchmarks.faultkit.harness import FaultyServer, bell, faulty_server
from benchmarks.faultkit.proxy import Rule
from ibmqjob import IBMQJobApiError
from ibmqjob.settings import HttpSettings

MiB = 2**20
RESULT = "/objectstorage/.*/result"


@pytest.fixture(scope="module")
def faulty() -> Iterator[FaultyServer]:
    with faulty_server() as pair:
        yield pair


@pytest.fixture(autouse=True)
def _no_rules_left(faulty: FaultyServer) -> Iterator[None]:
    faulty.proxy.clear()
    yield
    faulty.proxy.clear()


def _peak_while(call: object) -> tuple[BaseException | None, int]:
    """Run ``call``; what it raised and the peak of Python memory it allocated meanwhile."""
    assert callable(call)
    tracemalloc.start()
    try:
        call()
    except BaseException as err:  # the test checks which
        return err, tracemalloc.get_traced_memory()[1]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return None, peak


@pytest.mark.parametrize("announce", [True, False], ids=["announced", "chunked"])
def test_a_huge_result_fails_clearly_within_the_cap(faulty: FaultyServer, announce: bool) -> None:
    settings = HttpSettings(max_result_bytes=8 * MiB)
    with faulty.backend(settings, use_websocket=False) as backend:
        job = backend.run(bell(), shots=10)
        faulty.wait_final(job.job_id())
        job.status()  # final: result() only downloads
        # 500 MB announced (or chunked), 64 MiB sent.
        faulty.proxy.add(
            Rule(
                "huge",
                method="GET",
                path=RESULT,
                size=500_000_000,
                send=64 * MiB,
                announce=announce,
            )
        )

        raised, peak = _peak_while(lambda: job.result(timeout=60))

    assert isinstance(raised, IBMQJobApiError), raised
    assert "max_result_bytes" in raised.message and str(8 * MiB) in raised.message
    assert peak < 3 * 8 * MiB


def test_a_huge_api_response_fails_clearly_within_the_cap(faulty: FaultyServer) -> None:
    settings = HttpSettings(max_response_bytes=1 * MiB)
    with faulty.backend(settings, use_websocket=False) as backend:
        job = backend.run(bell(), shots=10)
        faulty.proxy.add(
            Rule("huge", method="GET", path=r"/status/v/1$", send=32 * MiB, announce=False)
        )

        raised, peak = _peak_while(lambda: job.status())

    assert isinstance(raised, IBMQJobApiError), raised
    assert "max_response_bytes" in raised.message
    assert peak < 3 * MiB + 2 * MiB


def test_the_result_cap_can_be_raised(faulty: FaultyServer) -> None:
    small = HttpSettings(max_result_bytes=4096)
    with faulty.backend(small, use_websocket=False) as backend:
        job = backend.run(bell(), shots=2000, memory=True)
        with pytest.raises(IBMQJobApiError, match="max_result_bytes"):
            job.result(timeout=60)
        job_id = job.job_id()
    with faulty.backend(HttpSettings(max_result_bytes=64 * MiB)) as backend:
        result = backend.retrieve_job(job_id).result(timeout=60)
    assert len(result.get_memory()) == 2000


def test_by_default_an_api_response_stops_at_64_mib(faulty: FaultyServer) -> None:
    with faulty.backend(use_websocket=False) as backend:
        job = backend.run(bell(), shots=10)
        faulty.proxy.add(
            Rule("huge", method="GET", path=r"/status/v/1$", send=80 * MiB, announce=False)
        )

        raised, peak = _peak_while(lambda: job.status())

    assert isinstance(raised, IBMQJobApiError), raised
    assert "max_response_bytes" in raised.message
    assert peak < 2 * 64 * MiB
