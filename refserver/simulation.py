"""Running a validated QASM Qobj on qiskit-aer and building the job's result.

Every experiment gets its own outcome: Aer reports a failing experiment (for
example one whose state needs more memory than the per-experiment budget) with
``success: false`` while the others succeed. If Aer fails the whole batch, the
experiments are run one by one so the failure is attributed to the experiment
that caused it. Either way the job's result holds real per-experiment outcomes.

How a user gets a partial result on ``ibmq_qasm_simulator``: add to the job an
experiment whose statevector does not fit the per-experiment memory budget
(``experiment_memory_mb``, 256 MiB by default: a statevector of n qubits takes
16 * 2**n bytes, so any circuit with a non-Clifford gate entangling 25 or more
qubits). Aer refuses that experiment ("Insufficient memory to run circuit ...")
and runs the others; the job ends in ``ERROR_RUNNING_JOB`` with a result whose
``results[i].success`` differ.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

from qiskit import QuantumCircuit
from qiskit_aer import AerSimulator

from refserver.devices import Device
from refserver.noise import device_noise_model, noise_model_from_dict
from refserver.qobjconvert import MASK_REGISTER, decode_noise_model, to_circuits
from refserver.timeutil import now_text


class Simulation:
    """Runs Qobjs on Aer.

    Args:
        experiment_memory_mb: memory budget of one experiment, in MiB.
    """

    def __init__(self, experiment_memory_mb: int) -> None:
        self._memory_mb = experiment_memory_mb
        # Simulators are reused: one per (calibration, method); a device's noise model is
        # built once per calibration. Run options travel with each run, not the simulator.
        self._simulators: OrderedDict[tuple[int | None, str], AerSimulator] = OrderedDict()
        self._lock = threading.Lock()

    def run(
        self,
        qobj: dict[str, Any],
        device: Device,
        calibration: tuple[int, dict[str, Any]] | None,
        job_id: str,
    ) -> dict[str, Any]:
        """Run every experiment of ``qobj`` and return the result as a JSON-ready dict.

        Args:
            qobj: a Qobj accepted by :func:`refserver.validation.validate_qobj`.
            device: the backend.
            calibration: ``(id, properties)`` of the calibration in force (devices only).
            job_id: the job id written into the result.

        Returns:
            A qiskit ``Result`` dict; ``success`` is true iff every experiment succeeded.
        """
        result: dict[str, Any] = json.loads(self.run_encoded(qobj, device, calibration, job_id)[1])
        return result

    def run_encoded(
        self,
        qobj: dict[str, Any],
        device: Device,
        calibration: tuple[int, dict[str, Any]] | None,
        job_id: str,
        circuits: list[QuantumCircuit] | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        """Like :meth:`run`, without a JSON round trip: the result and its JSON encoding.

        The dict may hold numpy values and complex numbers (its top-level fields and each
        experiment's ``success`` and ``status`` are plain); the bytes are the JSON stored
        and served. ``circuits``: the Qobj's circuits if already converted (validation).
        """
        started = time.monotonic()
        if circuits is None:
            circuits = to_circuits(qobj)
        config = qobj["config"]
        simulator = self._simulator(config, device, calibration)
        options = _run_options(config, circuits)
        experiments = self._execute(simulator, circuits, options)
        for experiment, source in zip(experiments, qobj["experiments"], strict=True):
            if isinstance(source.get("header"), dict):
                experiment["header"] = source["header"]
            else:
                _drop_mask_registers(experiment.get("header"))
        success = all(e.get("success") for e in experiments)
        some = any(e.get("success") for e in experiments)
        result = {
            "backend_name": device.name,
            "backend_version": device.version,
            "qobj_id": qobj["qobj_id"],
            "job_id": job_id,
            "date": now_text(),
            "success": success,
            "status": "COMPLETED" if success else ("PARTIAL COMPLETED" if some else "ERROR"),
            "header": {
                **(qobj.get("header") or {}),
                "backend_name": device.name,
                "backend_version": device.version,
            },
            "results": experiments,
            "time_taken": time.monotonic() - started,
        }
        return result, _encode(result)

    def _simulator(
        self,
        config: dict[str, Any],
        device: Device,
        calibration: tuple[int, dict[str, Any]] | None,
    ) -> AerSimulator:
        if isinstance(config.get("noise_model"), dict) and device.is_simulator:
            # A user's noise model comes with its job: nothing to reuse.
            noise_model = noise_model_from_dict(decode_noise_model(config["noise_model"]))
            return AerSimulator(
                method=config.get("method", "automatic"),
                noise_model=noise_model,
                max_memory_mb=self._memory_mb,
            )
        method = str(config.get("method", "automatic")) if device.is_simulator else "automatic"
        key = (None if calibration is None else calibration[0], method)
        with self._lock:
            simulator = self._simulators.get(key)
            if simulator is None:
                noise = None if calibration is None else device_noise_model(calibration[1])
                simulator = AerSimulator(
                    method=method, noise_model=noise, max_memory_mb=self._memory_mb
                )
                self._simulators[key] = simulator
                while len(self._simulators) > KEPT_SIMULATORS:
                    self._simulators.popitem(last=False)
            self._simulators.move_to_end(key)
        return simulator

    def _execute(
        self, simulator: AerSimulator, circuits: list[QuantumCircuit], options: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            return _aer_experiments(lambda: simulator.run(circuits, **options), len(circuits))
        except Exception:
            # The whole batch failed: run experiments alone to find which one is at fault.
            pass
        experiments = []
        for circuit in circuits:
            try:
                experiments.extend(
                    _aer_experiments(partial(simulator.run, [circuit], **options), 1)
                )
            except Exception as err:
                experiments.append(_failed_experiment(circuit, options, err))
        return experiments


# Simulators kept for reuse (the least recently used go first): every device's current
# calibration and the simulator's methods, with room for recalibrations.
KEPT_SIMULATORS = 16

# Below this many qubits a circuit runs on one thread: Aer's OpenMP threads would spin for
# far longer than the simulation itself (about 10x the CPU for a Bell circuit).
SMALL_CIRCUIT_QUBITS = 15


# From this many small experiments on, a job's experiments run side by side on the server's
# cores (at most MAX_PARALLEL_EXPERIMENTS at once): 300 small circuits take 0.6x the time for
# about 1.1x the CPU on two cores; below it, threads cost more than they bring.
PARALLEL_EXPERIMENTS_FROM = 16
MAX_PARALLEL_EXPERIMENTS = 4


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # platforms without CPU affinity
        return os.cpu_count() or 1


def _run_options(config: dict[str, Any], circuits: list[QuantumCircuit]) -> dict[str, Any]:
    options: dict[str, Any] = {"shots": int(config.get("shots", 1024))}
    if max((circuit.num_qubits for circuit in circuits), default=0) < SMALL_CIRCUIT_QUBITS:
        threads = min(_cores(), MAX_PARALLEL_EXPERIMENTS)
        if len(circuits) >= PARALLEL_EXPERIMENTS_FROM and threads > 1:
            options["max_parallel_threads"] = threads
            options["max_parallel_experiments"] = threads
        else:
            options["max_parallel_threads"] = 1
    if config.get("seed_simulator") is not None:
        options["seed_simulator"] = int(config["seed_simulator"])
    if config.get("memory"):
        options["memory"] = True
    return options


def _drop_mask_registers(header: Any) -> None:
    # Aer's header lists every register of the decoded circuit, also those aliasing a
    # bfunc mask's bits: clients would read their bits twice.
    if isinstance(header, dict) and isinstance(header.get("creg_sizes"), list):
        header["creg_sizes"] = [
            item for item in header["creg_sizes"] if not str(item[0]).startswith(MASK_REGISTER)
        ]


def _aer_experiments(submit: Callable[[], Any], count: int) -> list[dict[str, Any]]:
    job = submit()
    outcome = job.result().to_dict()
    experiments = list(outcome.get("results", []))
    if len(experiments) != count:
        raise RuntimeError(outcome.get("status") or "simulator returned no experiment results")
    for experiment in experiments:
        experiment.setdefault("data", {})
    return experiments


def _failed_experiment(
    circuit: QuantumCircuit, options: dict[str, Any], err: Exception
) -> dict[str, Any]:
    return {
        "shots": options["shots"],
        "success": False,
        "status": f"ERROR: {err}",
        "data": {},
        "header": {"name": circuit.name},
    }


def _encode(result: dict[str, Any]) -> bytes:
    # Result data may hold complex numbers and numpy values (statevectors, metadata).
    def default(value: Any) -> Any:
        if isinstance(value, complex):
            return [value.real, value.imag]
        if hasattr(value, "tolist"):
            return value.tolist()
        return str(value)

    return json.dumps(result, default=default, separators=(",", ":")).encode()
