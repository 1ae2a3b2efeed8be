"""The scenarios' way into the ``ibmqjob`` SDK: accounts, backends, circuits, waiting.

Every SDK entry point a scenario uses goes through here, so the scenarios read as user code
and one place decides how the SDK is configured for a run: the websocket on or off, and the
sleep and clock used for waiting (a virtual clock makes recorded sessions replay the same).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qiskit import QuantumCircuit

from ibmqjob import (
    AccountProvider,
    IBMQBackendJobLimitError,
    IBMQFactory,
    IBMQJob,
    JobStatus,
)
from ibmqjob.settings import HttpSettings, TimeSource

from .base import ScenarioContext, ScenarioSkip

__all__ = [
    "adopt",
    "bell",
    "connect",
    "connect_all",
    "oversized_circuit",
    "simulator",
    "submit",
    "submit_within_limit",
    "wait_final",
]


def connect(
    ctx: ScenarioContext, token: str | None = None, *, websocket: bool = True
) -> AccountProvider:
    """Log in and return the provider of the account's default project.

    Args:
        ctx: The scenario context.
        token: The API token; the context's token if ``None``.
        websocket: Whether jobs may wait on the status websocket (if the context allows it).

    Returns:
        The default provider.
    """
    return connect_all(ctx, token, websocket=websocket)[0]


def connect_all(
    ctx: ScenarioContext, token: str | None = None, *, websocket: bool = True
) -> list[AccountProvider]:
    """Log in and return the providers of every project of the account, the default first.

    Args:
        ctx: The scenario context.
        token: The API token; the context's token if ``None``.
        websocket: Whether jobs may wait on the status websocket (if the context allows it).

    Returns:
        The providers.
    """
    factory = IBMQFactory()
    settings = HttpSettings(
        time=TimeSource(sleep=ctx.sleep, clock=ctx.clock),
        transport=ctx.audit.transport() if ctx.audit else None,
    )
    factory.enable_account(
        token or ctx.token,
        ctx.url,
        http_settings=settings,
        use_websocket=websocket and ctx.websocket,
    )
    ctx.defer(factory.disable_account)
    return factory.providers()


def simulator(provider: AccountProvider) -> Any:
    """Return the provider's first simulator backend (jobs end fast there).

    Raises:
        ScenarioSkip: the project offers no simulator.
    """
    backends = provider.backends(simulator=True)
    if not backends:
        raise ScenarioSkip("the default project offers no simulator")
    return backends[0]


def bell(name: str = "bell") -> QuantumCircuit:
    """A Bell-state circuit measuring both qubits."""
    circuit = QuantumCircuit(2, 2, name=name)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


def oversized_circuit(n_qubits: int) -> QuantumCircuit:
    """A circuit whose state no simulator can hold: every qubit entangled, with T gates.

    Its statevector takes ``16 * 2**n_qubits`` bytes (64 GiB at 32 qubits), so a simulator
    refuses this one experiment and still runs the others of the job.
    """
    circuit = QuantumCircuit(n_qubits, n_qubits, name="oversized")
    circuit.h(range(n_qubits))
    for qubit in range(n_qubits - 1):
        circuit.cx(qubit, qubit + 1)
        circuit.t(qubit + 1)
    circuit.measure(range(n_qubits), range(n_qubits))
    return circuit


def submit(ctx: ScenarioContext, backend: Any, circuits: Any, **options: Any) -> IBMQJob:
    """Run circuits on a backend with the context's shots unless given.

    Args:
        ctx: The scenario context.
        backend: The backend.
        circuits: A circuit or a list of circuits.
        options: ``backend.run`` keyword arguments.

    Returns:
        The submitted job.
    """
    if not hasattr(circuits, "config"):  # a Qobj carries its own shots
        options.setdefault("shots", ctx.shots)
    job: IBMQJob = backend.run(circuits, **options)
    return job


def submit_within_limit(
    ctx: ScenarioContext, backend: Any, circuits: Any, mine: list[IBMQJob], **options: Any
) -> IBMQJob:
    """Submit like :func:`submit`; at the job limit, wait for the oldest of ``mine`` first.

    Args:
        ctx: The scenario context.
        backend: The backend.
        circuits: A circuit or a list of circuits.
        mine: Jobs submitted before by the scenario, oldest first.
        options: ``backend.run`` keyword arguments.

    Returns:
        The submitted job.

    Raises:
        IBMQBackendJobLimitError: the limit is reached and none of ``mine`` is still active.
    """
    waiting = iter(mine)
    while True:
        try:
            return submit(ctx, backend, circuits, **options)
        except IBMQBackendJobLimitError:
            oldest = next((job for job in waiting if not job.in_final_state()), None)
            if oldest is None:
                raise
            wait_final(ctx, oldest)


def adopt(ctx: ScenarioContext, job: IBMQJob) -> IBMQJob:
    """Make a retrieved or listed job wait with the context's sleep and clock."""
    return job


def wait_final(
    ctx: ScenarioContext,
    job: IBMQJob,
    callback: Callable[..., None] | None = None,
) -> JobStatus:
    """Wait for a job to end and return its final status.

    Args:
        ctx: The scenario context (poll interval and timeout).
        job: The job.
        callback: Passed to ``wait_for_final_state``.

    Returns:
        The final status.
    """
    job.wait_for_final_state(timeout=ctx.timeout, wait=ctx.poll_interval, callback=callback)
    status: JobStatus = job.status()
    return status
