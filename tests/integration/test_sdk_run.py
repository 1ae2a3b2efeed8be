"""The SDK against the live reference server: running jobs and reading what they produced."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from qiskit import QuantumCircuit
from qiskit.providers import JobStatus

from ibmqjob._qiskit import BackendProperties, PulseDefaults
from ibmqjob.backend import IBMQBackend
from ibmqjob.exceptions import IBMQBackendApiError, IBMQBackendError, IBMQJobFailureError
from ibmqjob.provider import AccountProvider
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell, demo_provider, too_big, unique_tag


@pytest.fixture(scope="module")
def provider(reference_server: ServerThread) -> Iterator[AccountProvider]:
    with demo_provider(reference_server) as provider:
        yield provider


@pytest.fixture(scope="module")
def simulator(provider: AccountProvider) -> IBMQBackend:
    backend: IBMQBackend = provider.get_backend(SIMULATOR)
    return backend


def test_bell_counts_are_real_and_reproducible_with_a_seed(simulator: IBMQBackend) -> None:
    first = simulator.run(bell(), shots=2000, seed_simulator=42)
    second = simulator.run(bell(), shots=2000, seed_simulator=42)
    other = simulator.run(bell(), shots=2000, seed_simulator=7)

    counts = first.result(timeout=60, wait=0.1).get_counts()
    assert set(counts) == {"00", "11"}
    assert sum(counts.values()) == 2000
    assert 800 < counts["00"] < 1200
    assert second.result(timeout=60, wait=0.1).get_counts() == counts
    assert other.result(timeout=60, wait=0.1).get_counts() != counts
    assert first.job_id() != second.job_id()
    assert first.status() is JobStatus.DONE


def test_several_circuits_and_memory(simulator: IBMQBackend) -> None:
    ghz = QuantumCircuit(3, 3, name="ghz")
    ghz.h(0)
    ghz.cx(0, 1)
    ghz.cx(1, 2)
    ghz.measure(range(3), range(3))

    result = simulator.run([bell(), ghz], shots=64, memory=True, seed_simulator=3).result(
        timeout=60, wait=0.1
    )

    assert set(result.get_counts("ghz")) == {"000", "111"}
    assert len(result.get_memory("bell")) == 64


def test_the_server_validation_error_reaches_the_user(simulator: IBMQBackend) -> None:
    max_shots = simulator.configuration().max_shots
    # The SDK refuses too many shots before sending: the Qobj of a valid job is raised after.
    qobj = simulator.run(bell(), shots=10).qobj()
    qobj.config.shots = max_shots + 1
    with pytest.warns(DeprecationWarning):
        job = simulator.run(qobj)

    with pytest.raises(IBMQJobFailureError) as info:
        job.result(timeout=60, wait=0.1)

    assert job.status() is JobStatus.ERROR
    message = job.error_message()
    assert message is not None
    assert f"higher than the number of shots supported by the backend ({max_shots})" in message
    assert message.endswith("Error code: 1103.")
    assert "Job has failed" in info.value.message and "1103" in info.value.message


def test_partial_results_of_a_failed_job(simulator: IBMQBackend) -> None:
    job = simulator.run([bell("ok"), too_big()], shots=100, seed_simulator=1)

    with pytest.raises(IBMQJobFailureError):
        job.result(timeout=120, wait=0.1)
    partial = job.result(partial=True)

    assert partial.success is False
    assert [experiment.success for experiment in partial.results] == [True, False]
    assert sum(partial.get_counts("ok").values()) == 100
    message = job.error_message()
    assert message is not None and message.startswith("The following experiments failed:")
    assert "Experiment 1:" in message


def test_device_data(provider: AccountProvider, simulator: IBMQBackend) -> None:
    names = [backend.name() for backend in provider.backends()]
    assert SIMULATOR in names
    assert provider.backends(simulator=True) == [simulator]
    device = provider.get_backend("ibmq_manila")

    assert simulator.properties() is None and simulator.defaults() is None
    properties = device.properties()
    assert isinstance(properties, BackendProperties)
    assert properties.backend_name == "ibmq_manila"
    assert device.properties() is properties, "cached"
    assert isinstance(device.defaults(), PulseDefaults)
    status = simulator.status()
    assert status.operational is True and status.backend_name == SIMULATOR
    limit = simulator.job_limit()
    assert limit.maximum_jobs is None and limit.active_jobs >= 0
    assert simulator.remaining_jobs_count() is None


def test_a_device_job_runs_after_transpiling(provider: AccountProvider) -> None:
    from qiskit import transpile

    device = provider.get_backend("ibmq_lima")
    job = device.run(transpile(bell(), backend=device, seed_transpiler=1), shots=256)

    counts = job.result(timeout=120, wait=0.1).get_counts()
    assert sum(counts.values()) == 256
    assert counts.get("00", 0) + counts.get("11", 0) > 150, "a noisy Bell state"
    assert job.properties() is not None


def test_retrieve_job_checks_the_backend(provider: AccountProvider, simulator: IBMQBackend) -> None:
    job = simulator.run(bell(), shots=10, job_name="retrieved")
    job.wait_for_final_state(timeout=60)

    again = simulator.retrieve_job(job.job_id())
    assert again.name() == "retrieved"
    assert provider.backend.retrieve_job(job.job_id()).job_id() == job.job_id()
    assert provider.backend.ibmq_qasm_simulator is simulator
    with pytest.raises(AttributeError, match="no backend named 'ibmq_nowhere'"):
        _ = provider.backend.ibmq_nowhere
    assert again.result().get_counts() == job.result().get_counts()
    with (
        pytest.warns(UserWarning, match="belongs to another backend"),
        pytest.raises(IBMQBackendError, match="does not belong to backend ibmq_lima"),
    ):
        provider.get_backend("ibmq_lima").retrieve_job(job.job_id())
    with pytest.raises(IBMQBackendApiError, match="Error code: 3250"):
        provider.retrieve_job("f" * 24)


def test_a_job_of_another_user_is_not_found(
    reference_server: ServerThread, simulator: IBMQBackend
) -> None:
    from ibmqjob.account import IBMQFactory

    job = simulator.run(bell(), shots=10)
    factory = IBMQFactory()
    assert reference_server.other_token is not None
    other = factory.enable_account(reference_server.other_token, reference_server.auth_url)
    try:
        with pytest.raises(IBMQBackendApiError, match="404 Client Error"):
            other.retrieve_job(job.job_id())
    finally:
        factory.disable_account()


def test_to_dict_and_back_keeps_talking_to_the_server(
    provider: AccountProvider, simulator: IBMQBackend
) -> None:
    tag = unique_tag("dict")
    job = simulator.run(bell(), shots=50, seed_simulator=5, job_tags=[tag], job_name="saved")
    saved = json.loads(json.dumps(job.to_dict()))

    rebuilt = provider.job_from_dict(saved)

    assert rebuilt.job_id() == job.job_id()
    assert rebuilt.backend() is simulator
    assert rebuilt.result(timeout=60, wait=0.1).get_counts() == job.result().get_counts()
    assert rebuilt.update_name("renamed") == "renamed"
    assert simulator.retrieve_job(job.job_id()).name() == "renamed"
    assert rebuilt.status() is JobStatus.DONE


def test_a_classically_conditioned_gate_runs(simulator: IBMQBackend) -> None:
    from ibmqjob import _qiskit

    circuit = QuantumCircuit(2, 2, name="feedback")
    circuit.h(0)
    circuit.measure(0, 0)
    if _qiskit.LEGACY:  # c_if where qiskit has it, an if_test block since
        circuit.x(1).c_if(circuit.clbits[0], 1)
    else:
        with circuit.if_test((circuit.clbits[0], 1)):
            circuit.x(1)
    circuit.measure(1, 1)

    counts = simulator.run(circuit, shots=200, seed_simulator=5).result(timeout=60).get_counts()

    assert set(counts) == {"00", "11"} and sum(counts.values()) == 200
