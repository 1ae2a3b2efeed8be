"""The QASM Qobj of the wire, written and read by the project itself on every qiskit line.

:func:`encode_circuits` turns circuits and run options into the Qobj document that
``backend.run`` uploads (``spec/openapi.yaml``: ``Qobj``); it follows what qiskit 0.46's
``assemble`` wrote for a backend, field for field (a differential test holds the two
together), so servers and the original client see the same documents whatever qiskit the
user has (``ibmqjob/_qobjdecode.py`` reads such documents back into circuits). Pulse
schedules are not Qobj circuits: the caller routes them elsewhere (``ibmqjob/_qiskit.py``).

Conditions: a gate under a classical condition (``c_if`` on qiskit 0.46, an ``if_test``
without ``else`` on newer lines) becomes a ``bfunc`` writing a register slot past the memory
slots, and the gated instructions carry ``conditional``, as ``assemble`` did.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np
from qiskit.circuit import (
    Clbit,
    Parameter,
    ParameterExpression,
    QuantumCircuit,
)

__all__ = ["QobjDict", "QobjEncodingError", "encode_circuits"]

SCHEMA_VERSION = "1.3.0"


class QobjEncodingError(ValueError):
    """The circuits or run options cannot be written as a Qobj (the message says why)."""


class InstructionDict(TypedDict, total=False):
    """One instruction of an experiment."""

    name: str
    qubits: list[int]
    memory: list[int]
    register: list[int] | int
    params: list[Any]
    label: str
    conditional: int
    mask: str
    relation: str
    val: str


class ExperimentDict(TypedDict):
    """One experiment: a circuit."""

    header: dict[str, Any]
    config: dict[str, Any]
    instructions: list[InstructionDict]


class QobjDict(TypedDict):
    """A QASM Qobj document."""

    qobj_id: str
    type: str
    schema_version: str
    header: dict[str, Any]
    config: dict[str, Any]
    experiments: list[ExperimentDict]


# ------------------------------------------------------------------ circuits -> Qobj


def encode_circuits(
    circuits: Sequence[QuantumCircuit],
    configuration: Any,
    run_config: Mapping[str, Any],
    defaults: Any = None,
) -> QobjDict:
    """Write circuits and run options as a QASM Qobj for a backend.

    Args:
        circuits: The circuits (at least one).
        configuration: The backend configuration (``backend_name``, ``max_shots``,
            ``memory``, ``dynamic_reprate_enabled``, ``parametric_pulses``, ...).
        run_config: The run options, ``None`` values already removed. ``qobj_id``,
            ``qobj_header`` and ``parameter_binds`` are understood; the other keys go to
            the Qobj configuration.
        defaults: The backend's pulse defaults, for default LO frequencies (optional).

    Returns:
        The Qobj document.

    Raises:
        QobjEncodingError: If an option or a circuit cannot be encoded (the message says
            what is wrong).
    """
    options = dict(run_config)
    qobj_id = str(options.pop("qobj_id", None) or uuid.uuid4())
    header = _qobj_header(configuration, options.pop("qobj_header", None))
    config = _qobj_config(configuration, options, defaults)
    bound = _bind_parameters(list(circuits), options.pop("parameter_binds", None), config)
    config.update(options)
    experiments = [_experiment(circuit) for circuit in bound]
    config["memory_slots"] = max(exp["config"]["memory_slots"] for exp in experiments)
    config["n_qubits"] = max(exp["config"]["n_qubits"] for exp in experiments)
    return {
        "qobj_id": qobj_id,
        "type": "QASM",
        "schema_version": SCHEMA_VERSION,
        "header": header,
        "config": config,
        "experiments": experiments,
    }


def _qobj_header(configuration: Any, user_header: Any) -> dict[str, Any]:
    if user_header is not None and hasattr(user_header, "to_dict"):
        user_header = user_header.to_dict()
    if user_header is not None and not isinstance(user_header, Mapping):
        raise QobjEncodingError(f"header needs to be a dict, not {type(user_header).__name__}.")
    header = {
        "backend_name": getattr(configuration, "backend_name", None),
        "backend_version": getattr(configuration, "backend_version", None),
        **(user_header or {}),
    }
    return {key: value for key, value in header.items() if value is not None}


def _qobj_config(configuration: Any, options: dict[str, Any], defaults: Any) -> dict[str, Any]:
    shots = options.pop("shots", None)
    max_shots = getattr(configuration, "max_shots", None)
    if shots is None:
        shots = min(1024, max_shots) if max_shots else 1024
    elif isinstance(shots, bool) or not isinstance(shots, int | np.integer):
        raise QobjEncodingError("Argument 'shots' should be of type 'int'")
    elif max_shots and max_shots < shots:
        raise QobjEncodingError(
            f"Number of shots specified: {shots} exceeds max_shots property of the backend:"
            f" {max_shots}."
        )
    memory = options.pop("memory", False)
    if memory and not getattr(configuration, "memory", False):
        raise QobjEncodingError(
            f"memory not supported by backend {getattr(configuration, 'backend_name', None)}"
        )
    config: dict[str, Any] = {"shots": shots, "memory": memory}
    if "seed_simulator" in options:
        config["seed_simulator"] = options.pop("seed_simulator")
    config["init_qubits"] = options.pop("init_qubits", True)
    rep_delay = _rep_delay(configuration, options.pop("rep_delay", None))
    if rep_delay is not None:
        config["rep_delay"] = rep_delay
    for kind in ("qubit", "meas"):
        freqs = _lo_freqs(configuration, options, defaults, kind)
        if freqs:
            config[f"{kind}_lo_freq"] = [freq / 1e9 for freq in freqs]
    # Circuits carry no pulse settings: assemble dropped these for them.
    for key in ("schedule_los", "memory_slot_size", "rep_time", "meas_map"):
        options.pop(key, None)
    config["parametric_pulses"] = options.pop(
        "parametric_pulses", getattr(configuration, "parametric_pulses", [])
    )
    meas_level = options.pop("meas_level", 2)
    meas_return = options.pop("meas_return", "avg")
    if meas_level:
        config["meas_level"] = _plain(meas_level)
        if int(meas_level) != 2:
            config["meas_return"] = _plain(meas_return)
    # n_qubits and memory_slots are the circuits' (set after encoding).
    options.pop("n_qubits", None)
    options.pop("memory_slots", None)
    return config


def _plain(value: Any) -> Any:
    """An enum value as its plain int or str (what JSON writes)."""
    if isinstance(value, int):
        return int(value)
    return getattr(value, "value", value)


def _rep_delay(configuration: Any, rep_delay: float | None) -> float | None:
    if not getattr(configuration, "dynamic_reprate_enabled", False):
        if rep_delay is not None:
            warnings.warn(
                "Dynamic rep rates not supported on this backend, cannot use rep_delay.",
                RuntimeWarning,
                stacklevel=5,
            )
        return None
    if rep_delay is None:
        rep_delay = getattr(configuration, "default_rep_delay", None)
    if rep_delay is None:
        return None
    delay_range = getattr(configuration, "rep_delay_range", None)
    if isinstance(delay_range, list):
        if len(delay_range) != 2:
            raise QobjEncodingError(
                f"Backend rep_delay_range {delay_range} must be a list with two entries."
            )
        if not delay_range[0] <= rep_delay <= delay_range[1]:
            raise QobjEncodingError(
                f"Supplied rep delay {rep_delay} not in the supported backend range {delay_range}"
            )
    return float(rep_delay) * 1e6  # seconds -> microseconds


def _lo_freqs(
    configuration: Any, options: dict[str, Any], defaults: Any, kind: str
) -> list[float] | None:
    freqs = options.pop(f"{kind}_lo_freq", None) or getattr(defaults, f"{kind}_freq_est", None)
    lo_range = options.pop(f"{kind}_lo_range", None) or getattr(
        configuration, f"{kind}_lo_range", None
    )
    if freqs and lo_range and len(freqs) == len(lo_range):
        for index, (freq, bounds) in enumerate(zip(freqs, lo_range, strict=True)):
            if not (isinstance(bounds, list) and len(bounds) == 2):
                raise QobjEncodingError(f"Each element of {kind} LO range must be a 2d list.")
            if not bounds[0] <= freq <= bounds[1]:
                raise QobjEncodingError(
                    f"Qubit {index} {kind} LO frequency is {freq}. The range is"
                    f" [{bounds[0]}, {bounds[1]}]."
                )
    return list(freqs) if freqs else None


def _bind_parameters(
    circuits: list[QuantumCircuit], binds: Any, config: dict[str, Any]
) -> list[QuantumCircuit]:
    """Expand the circuits over ``parameter_binds``, as ``assemble`` did."""
    binds = list(binds or [])
    config["parameter_binds"] = binds
    if not (any(binds) or any(circuit.parameters for circuit in circuits)):
        return circuits
    bind_parameters = [set(_unrolled(bind)) for bind in binds]
    circuit_parameters = [set(circuit.parameters) for circuit in circuits]
    every = set().union(*bind_parameters, *circuit_parameters)
    if (
        not bind_parameters
        or any(params != every for params in bind_parameters)
        or any(params != every for params in circuit_parameters)
    ):
        raise QobjEncodingError(
            "Mismatch between parameter_binds and the circuit parameters. Parameter binds:"
            f" {[sorted(map(str, p)) for p in bind_parameters]}. Circuit parameters:"
            f" {[sorted(map(str, p)) for p in circuit_parameters]}."
        )
    config["parameter_binds"] = []
    return [circuit.assign_parameters(bind) for circuit in circuits for bind in binds]


def _unrolled(bind: Mapping[Any, Any]) -> dict[Parameter, Any]:
    """A bind whose keys may be parameter vectors, one entry per parameter."""
    unrolled: dict[Parameter, Any] = {}
    for key, value in bind.items():
        if isinstance(key, Parameter):
            unrolled[key] = value
        else:  # a ParameterVector and a sequence of values
            unrolled.update(zip(key, value, strict=True))
    return unrolled


def _experiment(circuit: QuantumCircuit) -> ExperimentDict:
    qubits = {bit: index for index, bit in enumerate(circuit.qubits)}
    clbits = {bit: index for index, bit in enumerate(circuit.clbits)}
    n_qubits = sum(reg.size for reg in circuit.qregs)
    memory_slots = sum(reg.size for reg in circuit.cregs)
    try:
        global_phase = float(circuit.global_phase)
    except TypeError as err:
        raise QobjEncodingError(
            f"Circuit {circuit.name!r} has unbound parameters in its global phase."
        ) from err
    header = {
        "qubit_labels": [[reg.name, j] for reg in circuit.qregs for j in range(reg.size)],
        "n_qubits": n_qubits,
        "qreg_sizes": [[reg.name, reg.size] for reg in circuit.qregs],
        "clbit_labels": [[reg.name, j] for reg in circuit.cregs for j in range(reg.size)],
        "memory_slots": memory_slots,
        "creg_sizes": [[reg.name, reg.size] for reg in circuit.cregs],
        "name": circuit.name,
        "global_phase": global_phase,
        "metadata": circuit.metadata or {},
    }
    writer = _InstructionWriter(qubits, clbits, memory_slots, _is_conditional(circuit))
    for item in circuit.data:
        writer.add(item.operation, item.qubits, item.clbits)
    return {
        "config": {"n_qubits": n_qubits, "memory_slots": memory_slots},
        "header": header,
        "instructions": writer.instructions,
    }


def _condition(operation: Any) -> Any:
    """The classical condition of an operation (``c_if``), or ``None``."""
    return getattr(operation, "_condition", None)


def _is_conditional(circuit: QuantumCircuit) -> bool:
    return any(
        _condition(item.operation) or item.operation.name == "if_else" for item in circuit.data
    )


class _InstructionWriter:
    def __init__(
        self,
        qubits: Mapping[Any, int],
        clbits: Mapping[Any, int],
        memory_slots: int,
        conditional: bool,
    ) -> None:
        self.qubits = qubits
        self.clbits = clbits
        self.next_register = memory_slots
        self.conditional_experiment = conditional
        self.instructions: list[InstructionDict] = []

    def add(
        self, operation: Any, qargs: Sequence[Any], cargs: Sequence[Any], gate: int | None = None
    ) -> None:
        if operation.name == "if_else":
            self._add_if(operation, qargs, cargs)
            return
        condition = _condition(operation)
        if condition is not None:
            gate = self._bfunc(condition)
        # Only a delay has a unit of its own (qiskit >= 1.3 deprecates the others').
        if operation.name == "delay" and operation.unit != "dt":
            raise QobjEncodingError(
                f"A delay of {operation.params[0]} {operation.unit}: a Qobj counts delays in"
                " dt; transpile the circuit for the backend first."
            )
        instruction: InstructionDict = {"name": operation.name}
        if operation.params:
            instruction["params"] = [_param(value, operation.name) for value in operation.params]
        if qargs:
            instruction["qubits"] = [self.qubits[bit] for bit in qargs]
        if cargs:
            instruction["memory"] = [self.clbits[bit] for bit in cargs]
            if operation.name == "measure" and self.conditional_experiment:
                instruction["register"] = list(instruction["memory"])
        if getattr(operation, "label", None):
            instruction["label"] = operation.label
        if gate is not None:
            instruction["conditional"] = gate
        self.instructions.append(instruction)

    def _bfunc(self, condition: tuple[Any, int]) -> int:
        target, value = condition
        mask = val = 0
        if isinstance(target, Clbit):
            mask = 1 << self.clbits[target]
            val = (value & 1) << self.clbits[target]
        else:
            bits = list(target)
            for bit, index in self.clbits.items():
                if bit in bits:
                    mask |= 1 << index
                    val |= ((value >> bits.index(bit)) & 1) << index
        register = self.next_register
        self.next_register += 1
        self.instructions.append(
            {
                "name": "bfunc",
                "mask": f"0x{mask:X}",
                "relation": "==",
                "val": f"0x{val:X}",
                "register": register,
            }
        )
        return register

    def _add_if(self, operation: Any, qargs: Sequence[Any], cargs: Sequence[Any]) -> None:
        true_body, false_body = operation.params
        condition = operation.condition
        if false_body is not None or not isinstance(condition, tuple):
            raise QobjEncodingError(
                "Only an if_test on a bit or register compared with an integer, without else,"
                " can be written as a Qobj conditional."
            )
        gate = self._bfunc(condition)
        inner_q = dict(zip(true_body.qubits, qargs, strict=True))
        inner_c = dict(zip(true_body.clbits, cargs, strict=True))
        for item in true_body.data:
            if item.operation.name == "if_else" or item.clbits:
                raise QobjEncodingError(
                    "A Qobj conditional can gate only quantum instructions; the body of an"
                    f" if_test holds {item.operation.name!r}."
                )
            self.add(
                item.operation,
                [inner_q[bit] for bit in item.qubits],
                [inner_c[bit] for bit in item.clbits],
                gate,
            )


def _param(value: Any, name: str) -> Any:
    if isinstance(value, ParameterExpression):
        try:
            number = complex(value)
        except TypeError as err:
            raise QobjEncodingError(
                f"The parameter {value} of {name!r} is not bound to a value."
            ) from err
        return number.real if number.imag == 0 else number
    return value
