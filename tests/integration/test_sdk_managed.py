"""The job manager against live reference servers: a set split into jobs, its combined and
partial results, retrieval by ID, and the job limit waited out rather than failed."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from qiskit import QuantumCircuit
from qiskit.providers import JobStatus

from ibmqjob.backend import IBMQBackend
from ibmqjob.managed import IBMQJobManager, ManagedJobSet
from ibmqjob.provider import AccountProvider
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell, demo_provider, too_big, unique_tag

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def provider(reference_server: ServerThread) -> Iterator[AccountProvider]:
    with demo_provider(reference_server) as provider:
        yield provider


@pytest.fixture(scope="module")
def simulator(provider: AccountProvider) -> IBMQBackend:
    backend: IBMQBackend = provider.get_backend(SIMULATOR)
    return backend


def x_on(qubits: int, name: str) -> QuantumCircuit:
    """A circuit whose only outcome is ``qubits`` ones."""
    circuit = QuantumCircuit(qubits, qubits, name=name)
    circuit.x(range(qubits))
    circuit.measure(range(qubits), range(qubits))
    return circuit


def test_a_set_is_split_run_combined_and_retrieved(
    provider: AccountProvider, simulator: IBMQBackend
) -> None:
    circuits = [x_on(1 + i % 3, f"x{i}") for i in range(7)]
    tag = unique_tag("managed")
    job_set = IBMQJobManager().run(
        circuits, simulator, name="sweep", max_experiments_per_job=3, job_tags=[tag], shots=50
    )
    done: list[int] = []
    results = job_set.results(timeout=120, callback=lambda finished, total: done.append(total))

    assert results.success
    assert done == [3, 3, 3]
    assert [results.get_counts(i) for i in range(7)] == [{"1" * (1 + i % 3): 50} for i in range(7)]
    assert results.get_counts("x5") == {"111": 50}
    combined = results.combine_results()
    assert [_name(e.header) for e in combined.results] == [c.name for c in circuits]

    on_server = provider.jobs(limit=None, job_tags=[f"ibmq_jobset_{job_set.job_set_id()}_"])
    assert sorted(str(job.name()) for job in on_server) == ["sweep_0_", "sweep_1_", "sweep_2_"]
    assert all(tag in job.tags() for job in on_server)
    assert job_set.statuses() == [JobStatus.DONE] * 3

    retrieved = IBMQJobManager().retrieve_job_set(job_set.job_set_id(), provider)
    assert retrieved.name() == "sweep" and retrieved.tags() == [tag]
    again = retrieved.results(timeout=120)
    assert [again.get_counts(i) for i in range(7)] == [results.get_counts(i) for i in range(7)]
    assert [(m.start_index, m.end_index) for m in retrieved.managed_jobs()] == [
        (0, 2),
        (3, 5),
        (6, 6),
    ]


def test_a_failed_job_keeps_its_partial_results(simulator: IBMQBackend) -> None:
    job_set = IBMQJobManager().run(
        [bell("a"), bell("b"), too_big(), bell("d")],
        simulator,
        max_experiments_per_job=2,
        shots=20,
    )
    with pytest.warns(UserWarning, match="experiments 2-3"):
        full = job_set.results(timeout=120)
    assert not full.success
    assert sum(full.get_counts("b").values()) == 20

    partial = job_set.results(timeout=120, partial=True, refresh=True)
    assert sum(partial.get_counts("d").values()) == 20
    messages = job_set.error_messages()
    assert messages is not None and "Experiments 2-3, job index=1" in messages


def test_the_job_limit_is_waited_out(
    server_factory: Callable[..., ServerThread], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ibmqjob.managed")
    server = server_factory(job_limit=2, run_delay=0.2)
    with demo_provider(server) as provider:
        backend = provider.get_backend(SIMULATOR)
        job_set: ManagedJobSet = IBMQJobManager(max_workers=4).run(
            [bell(f"b{i}") for i in range(5)], backend, max_experiments_per_job=1, shots=10
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no submission may fail
            results = job_set.results(timeout=180)
        assert results.success
        assert all(m.submit_error is None for m in job_set.managed_jobs())
        assert [sum(results.get_counts(i).values()) for i in range(5)] == [10] * 5
        assert backend.job_limit().maximum_jobs == 2
    assert any("Job limit reached" in r.getMessage() for r in caplog.records)


def _name(header: Any) -> Any:
    # qiskit 0.46's experiment headers are objects, qiskit 1 and 2's dicts.
    return header["name"] if isinstance(header, dict) else header.name
