"""The ``BackendV2`` base of the backends on qiskit >= 1, and their ``Target``.

The target is built from the two documents the server gives about a device: the
configuration (basis gates, the qubits each gate acts on, the coupling map, ``dt``) and the
calibration (``properties()``: gate errors and durations, readout errors and durations). So
``transpile(circuit, backend)`` maps circuits onto the device's gates and couplings. A
simulator (no coupling map, no calibration) gets its gates on every qubit. Names that are
not qiskit standard gates (``unitary``, ``save_*``...) are left out: the transpiler then
expresses circuits in the standard ones.

Only ``ibmqjob/_qiskit.py`` imports this module, on the lines where it is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qiskit.circuit import IfElseOp
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.providers import BackendV2
from qiskit.transpiler import InstructionProperties, Target

__all__ = ["BackendName", "BackendV2Base", "build_target"]

# Instructions every device runs besides its basis gates.
_ALWAYS = ("measure", "delay")


class BackendName(str):
    """The backend name: a string (``BackendV2.name``) that can also be called, as
    ``backend.name()`` was with ``BackendV1`` and the original client."""

    __slots__ = ()

    def __call__(self) -> str:
        """Return the name."""
        return str(self)


class BackendV2Base(BackendV2):  # type: ignore[misc]  # qiskit ships no type information
    """``BackendV2`` built from a configuration document, its target built on first use."""

    def __init__(self, configuration: Any, provider: Any) -> None:
        """Create the backend.

        Args:
            configuration: The backend configuration.
            provider: The provider the backend belongs to.
        """
        super().__init__(
            provider=provider,
            name=BackendName(configuration.backend_name),
            description=getattr(configuration, "description", None),
            online_date=getattr(configuration, "online_date", None),
            backend_version=configuration.backend_version,
        )
        self._configuration = configuration
        self._target: Target | None = None

    @property
    def target(self) -> Target:
        """The device's gates, couplings, errors and durations (from the server, once)."""
        if self._target is None:
            self._target = build_target(self._configuration, self.properties())
        return self._target

    @property
    def max_circuits(self) -> int | None:
        """The most circuits a job may hold (``max_experiments``), or ``None``."""
        value = getattr(self._configuration, "max_experiments", None)
        return int(value) if value else None


def build_target(configuration: Any, properties: Any) -> Target:
    """Build the ``Target`` of a device from its configuration and calibration.

    Args:
        configuration: The configuration (``n_qubits``, ``basis_gates``, ``gates``,
            ``coupling_map``, ``dt``, ``conditional``).
        properties: The calibration (``BackendProperties``), or ``None``.

    Returns:
        The target.
    """
    n_qubits = int(configuration.n_qubits)
    target = Target(
        description=getattr(configuration, "description", None),
        num_qubits=n_qubits,
        dt=getattr(configuration, "dt", None),
    )
    standard = get_standard_gate_name_mapping()
    couplings = _gate_couplings(configuration)
    names = list(dict.fromkeys([*configuration.basis_gates, *_ALWAYS]))
    for name in names:
        gate = standard.get(name)
        if gate is None:
            continue
        qargs = _qargs(gate.num_qubits, couplings.get(name), configuration, n_qubits)
        if qargs is None:  # on any qubits
            target.add_instruction(gate)
            continue
        target.add_instruction(
            gate, {q: _instruction_properties(properties, name, q) for q in qargs}
        )
    if getattr(configuration, "conditional", False):
        target.add_instruction(IfElseOp, name="if_else")
    return target


def _gate_couplings(configuration: Any) -> Mapping[str, list[list[int]]]:
    couplings: dict[str, list[list[int]]] = {}
    for gate in getattr(configuration, "gates", None) or []:
        coupling = getattr(gate, "coupling_map", None)
        if coupling:
            couplings[gate.name] = coupling
    return couplings


def _qargs(
    num_qubits: int, gate_coupling: list[list[int]] | None, configuration: Any, n_qubits: int
) -> list[tuple[int, ...]] | None:
    """The qubits a gate acts on, or ``None`` for any qubits (a simulator)."""
    if gate_coupling:
        return [tuple(q) for q in gate_coupling if len(q) == num_qubits]
    coupling_map = getattr(configuration, "coupling_map", None)
    if not coupling_map:
        return None
    if num_qubits == 1:
        return [(q,) for q in range(n_qubits)]
    if num_qubits == 2:
        return [(a, b) for a, b in coupling_map]
    return None


def _instruction_properties(
    properties: Any, name: str, qargs: tuple[int, ...]
) -> InstructionProperties | None:
    if properties is None:
        return None
    if name == "measure":
        values = _lookup(lambda: properties.qubit_property(qargs[0]))
        error = values.get("readout_error")
        length = values.get("readout_length")
    else:
        values = _lookup(lambda: properties.gate_property(name, qargs))
        error = values.get("gate_error")
        length = values.get("gate_length")
    if error is None and length is None:
        return None
    return InstructionProperties(
        duration=None if length is None else length[0],
        error=None if error is None else error[0],
    )


def _lookup(read: Any) -> dict[str, Any]:
    try:
        values = read()
    except (KeyError, IndexError, TypeError):
        return {}
    return dict(values) if isinstance(values, Mapping) else {}
