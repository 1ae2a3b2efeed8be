"""Shared pieces of the legacy-client scenarios (run inside ``.venv-legacy``)."""

from __future__ import annotations

import math
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qiskit import IBMQ, QuantumCircuit
from qiskit.providers import JobStatus

FINAL = frozenset({JobStatus.DONE, JobStatus.CANCELLED, JobStatus.ERROR})


@dataclass
class Context:
    """What every scenario gets: where the server is, who we are, and tuning parameters.

    Parameters (``--param key=value``) understood by several scenarios:
    ``timeout`` (seconds to wait for any one job, default 60), ``simulator`` and ``device``
    (backend names; default: the first simulator and the first non-simulator listed),
    ``shots`` (default 1024), ``seed`` (``seed_simulator``, default 42).
    """

    url: str
    token: str
    params: dict[str, Any]
    default_provider: Any = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    _transpiled: dict[str, QuantumCircuit] = field(default_factory=dict)

    def param(self, key: str, default: Any) -> Any:
        """Return a ``--param`` value, or ``default`` when it was not given."""
        return self.params.get(key, default)

    @property
    def timeout(self) -> float:
        """Seconds to wait for one job to reach a final state."""
        return float(self.param("timeout", 60))

    def provider(self, project: str | None = None) -> Any:
        """Return the provider ``enable_account`` returned (the server's default project), or
        the provider of ``project`` in the same hub and group."""
        if project is None:
            return self.default_provider
        credentials = self.default_provider.credentials
        return IBMQ.get_provider(hub=credentials.hub, group=credentials.group, project=project)

    def simulator(self, provider: Any = None) -> Any:
        """Return the simulator backend (``--param simulator=NAME`` or the first listed)."""
        return self._backend(provider, "simulator", True)

    def device(self, provider: Any = None) -> Any:
        """Return the device backend (``--param device=NAME`` or the first non-simulator)."""
        return self._backend(provider, "device", False)

    def _backend(self, provider: Any, key: str, simulator: bool) -> Any:
        provider = provider or self.provider()
        name = self.params.get(key)
        if name:
            return provider.get_backend(name)
        for backend in provider.backends():
            if bool(backend.configuration().simulator) == simulator:
                return backend
        raise LookupError(f"the server lists no {key} backend")

    def tag(self, scenario: str) -> str:
        """Return the tag (and name prefix) of the jobs of ``scenario`` in this run."""
        return f"{self.run_id}-{scenario}"

    def bell_for(self, backend: Any) -> QuantumCircuit:
        """Return the Bell circuit for ``backend``: as it is for a simulator; for a device,
        in its basis gates on its qubits 0 and 1 (coupled on every fake device).

        Written out rather than transpiled, so that each client, whatever qiskit it runs on
        (the transpilers of qiskit 0.46 and 2 choose different layouts and phases), sends the
        same experiment.
        """
        name = backend.name()
        if name not in self._transpiled:
            self._transpiled[name] = _bell_in_basis(backend)
        return self._transpiled[name]

    def run_bell(self, backend: Any, scenario: str, **options: Any) -> Any:
        """Submit the transpiled Bell circuit with the scenario tag and default options.

        Args:
            backend: Backend to run on.
            scenario: Scenario name, used for the tag and the default job name.
            **options: Extra ``backend.run`` keyword arguments; ``job_tags`` are added to
                the scenario tag.

        Returns:
            The ``IBMQJob``.
        """
        options.setdefault("shots", int(self.param("shots", 1024)))
        options.setdefault("seed_simulator", int(self.param("seed", 42)))
        options.setdefault("job_name", f"{self.tag(scenario)}-bell")
        options["job_tags"] = [self.tag(scenario), *options.get("job_tags", [])]
        return backend.run(self.bell_for(backend), **options)


def bell_circuit(name: str = "bell") -> QuantumCircuit:
    """Return the two-qubit Bell circuit measuring both qubits."""
    circuit = QuantumCircuit(2, 2, name=name)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


def describe_exception(exc: BaseException, with_traceback: bool = True) -> dict[str, Any]:
    """Describe an exception as JSON data.

    Args:
        exc: The exception.
        with_traceback: Whether to include the formatted traceback.

    Returns:
        Type name, module-qualified type, class hierarchy names, message, and optionally
        the traceback.
    """
    # QiskitError's str() wraps the message in quotes; its ``message`` is the text itself.
    message = getattr(exc, "message", None)
    described: dict[str, Any] = {
        "type": type(exc).__name__,
        "qualname": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "mro": [cls.__name__ for cls in type(exc).__mro__],
        "message": message if isinstance(message, str) else str(exc),
    }
    if with_traceback:
        described["traceback"] = "".join(
            traceback.format_exception(type(exc), exc, exc.__traceback__)
        )
    return described


def expect_error(func: Callable[[], Any]) -> dict[str, Any]:
    """Call ``func`` and describe what happened.

    Returns:
        ``{"raised": False, "value": <jsonable result>}`` or ``{"raised": True, "type": ...,
        "message": ..., "mro": [...], "traceback": ...}``.
    """
    try:
        value = func()
    except Exception as exc:
        return {"raised": True, **describe_exception(exc)}
    return {"raised": False, "value": jsonable(value)}


def jsonable(value: Any) -> Any:
    """Convert client values (statuses, datetimes, queue infos, sets) to JSON data."""
    if isinstance(value, JobStatus):
        return value.name
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def job_summary(job: Any) -> dict[str, Any]:
    """Return the identity of a job as the client sees it (one status call if not final)."""
    return {
        "id": job.job_id(),
        "name": job.name(),
        "tags": sorted(job.tags()),
        "status": job.status().name,
        "creation_date": job.creation_date().isoformat(),
        "backend": job.backend().name(),
    }


def queue_info_dict(info: Any) -> dict[str, Any] | None:
    """Return the public content of a ``QueueInfo`` (or None)."""
    if info is None:
        return None
    return {
        "position": info.position,
        "status": info._status,
        "estimated_start_time": jsonable(info.estimated_start_time),
        "estimated_complete_time": jsonable(info.estimated_complete_time),
        "hub_priority": info.hub_priority,
        "group_priority": info.group_priority,
        "project_priority": info.project_priority,
        "repr": repr(info),
        "format": info.format(),
    }


def poll_until(
    job: Any, stop: Iterable[JobStatus], timeout: float, interval: float = 0.02
) -> list[str]:
    """Poll ``job.status()`` until it is in ``stop`` or final.

    Args:
        job: The job.
        stop: Statuses at which to stop (final statuses always stop).
        timeout: Seconds before giving up (a TimeoutError naming the statuses seen).
        interval: Seconds between polls.

    Returns:
        The distinct statuses seen, in order; the last one is where polling stopped.

    Raises:
        TimeoutError: If no stop status was reached in time.
    """
    stop_at = set(stop) | FINAL
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        status = job.status()
        if not seen or seen[-1] != status.name:
            seen.append(status.name)
        if status in stop_at:
            return seen
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job.job_id()} stayed in {seen} for {timeout} s")
        time.sleep(interval)


def wait_final(job: Any, timeout: float) -> str:
    """Wait (websocket first, as the client does) until the job is final; return its status."""
    job.wait_for_final_state(timeout=timeout)
    return str(job.status().name)


def _bell_in_basis(backend: Any) -> QuantumCircuit:
    configuration = backend.configuration()
    if configuration.simulator:
        return bell_circuit()
    circuit = QuantumCircuit(configuration.n_qubits, 2, name="bell", global_phase=math.pi / 4)
    circuit.rz(math.pi / 2, 0)  # H on qubit 0: rz(pi/2) sx rz(pi/2), global phase pi/4
    circuit.sx(0)
    circuit.rz(math.pi / 2, 0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit
