"""Noise models: a fake device's from its calibration, a user's from the Qobj's ``noise_model``.

qiskit-aer's ``NoiseModel.from_backend_properties`` builds the model (depolarizing gate
errors, thermal relaxation, readout errors, relaxation on delays) from a properties object.
qiskit 2 has no properties class any more, and Aer reads such an object through a few
attributes only (the shape of ``BackendProperties``); :class:`DeviceProperties` gives the
properties document that shape. Aer 0.14 (the qiskit 0.46 line) insists on qiskit's own
``BackendProperties`` class, which that line still has: there the document goes through it.
Both paths feed the same numbers to the same model code of Aer, so a device gives the same
noise model on both lines.

A simulator job may carry a noise model in ``config.noise_model``: the dict of Aer's
``NoiseModel.to_dict``. Aer deprecated the matching ``from_dict``;
:func:`noise_model_from_dict` reads the same format with Aer's public error classes.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Instruction, Reset
from qiskit.circuit.library import PauliGate, UnitaryGate, get_standard_gate_name_mapping
from qiskit.quantum_info import Operator
from qiskit.utils import apply_prefix
from qiskit_aer.noise import NoiseModel, QuantumError, ReadoutError
from qiskit_aer.noise.noiseerror import NoiseError


@dataclass(frozen=True)
class Nduv:
    """One measured parameter: name, date, unit, value (as in the properties document)."""

    name: str
    date: str
    unit: str
    value: float


@dataclass(frozen=True)
class GateProperties:
    """The parameters of one gate on some qubits (``gate_error``, ``gate_length``)."""

    gate: str
    qubits: list[int]
    parameters: list[Nduv]


class DeviceProperties:
    """A properties (calibration) document with the attributes Aer's device models read.

    Args:
        document: the backend's properties, as served by ``/properties``.

    Raises:
        ValueError: the document lacks the ``qubits`` or ``gates`` lists, or an entry is
            malformed (the message says which).
    """

    def __init__(self, document: dict[str, Any]) -> None:
        try:
            self.qubits = [[_nduv(item) for item in qubit] for qubit in document["qubits"]]
            self.gates = [
                GateProperties(
                    gate=str(gate["gate"]),
                    qubits=[int(q) for q in gate["qubits"]],
                    parameters=[_nduv(item) for item in gate.get("parameters", [])],
                )
                for gate in document["gates"]
            ]
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(
                f"malformed properties document: {type(err).__name__}: {err}"
            ) from None
        self.backend_name = str(document.get("backend_name", ""))

    def t1(self, qubit: int) -> float:
        """T1 of ``qubit`` in seconds (ValueError if the document has none)."""
        return self._qubit_value(qubit, "T1")

    def t2(self, qubit: int) -> float:
        """T2 of ``qubit`` in seconds (ValueError if the document has none)."""
        return self._qubit_value(qubit, "T2")

    def frequency(self, qubit: int) -> float:
        """Frequency of ``qubit`` in Hz (ValueError if the document has none)."""
        return self._qubit_value(qubit, "frequency")

    def _qubit_value(self, qubit: int, name: str) -> float:
        if not 0 <= qubit < len(self.qubits):
            raise ValueError(f"no qubit {qubit}")
        for item in self.qubits[qubit]:
            if item.name == name:
                return float(apply_prefix(item.value, item.unit) if item.unit else item.value)
        raise ValueError(f"qubit {qubit} has no {name}")


def _nduv(item: dict[str, Any]) -> Nduv:
    return Nduv(
        name=str(item["name"]),
        date=str(item.get("date", "")),
        unit=str(item.get("unit", "")),
        value=float(item["value"]),
    )


class _AerProperties:
    """Which properties object this line's Aer accepts (decided on first use)."""

    def __init__(self) -> None:
        self._needs_qiskit_class: bool | None = None
        self._lock = threading.Lock()

    def noise_model(self, document: dict[str, Any]) -> NoiseModel:
        with self._lock:
            needs = self._needs_qiskit_class
        if not needs:
            try:
                model = _from_properties(DeviceProperties(document))
            except NoiseError:
                if needs is not None:
                    raise
                # Aer 0.14 checks for qiskit's class: true on the qiskit 0.46 line only.
                with self._lock:
                    self._needs_qiskit_class = True
            else:
                with self._lock:
                    self._needs_qiskit_class = False
                return model
        return _from_properties(_qiskit_properties(document))


def _from_properties(properties: Any) -> NoiseModel:
    with warnings.catch_warnings():
        # Aer warns about gates of the document it cannot model; the model leaves them out.
        warnings.simplefilter("ignore")
        return NoiseModel.from_backend_properties(properties)


def _qiskit_properties(document: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        # qiskit 1.x deprecates the class (2.0 removed it); only Aer < 0.15 gets here.
        warnings.simplefilter("ignore", DeprecationWarning)
        from qiskit.providers.models import BackendProperties

        return BackendProperties.from_dict(document)


_AER = _AerProperties()


def device_noise_model(document: dict[str, Any]) -> NoiseModel:
    """Aer's noise model of a device calibration.

    Args:
        document: the properties document (``/properties`` of the device).

    Raises:
        ValueError: the document is malformed.
    """
    return _AER.noise_model(document)


def noise_model_from_dict(document: Any) -> NoiseModel:
    """A noise model from the dict of Aer's ``NoiseModel.to_dict`` (complex numbers decoded).

    Each error of ``errors`` is a ``qerror`` (``operations``, ``instructions``: one list of
    ``{name, qubits, params}`` per term, ``probabilities``, optional ``gate_qubits``) or a
    ``roerror`` (``probabilities``, optional ``gate_qubits``); without ``gate_qubits`` an
    error applies to every qubit.

    Raises:
        ValueError: the dict is not such a noise model (the message says why).
    """
    if not isinstance(document, dict) or not isinstance(document.get("errors", []), list):
        raise ValueError("a noise model is an object with an `errors` list")
    model = NoiseModel()
    for index, error in enumerate(document.get("errors", [])):
        try:
            _add_error(model, error)
        except Exception as err:  # qiskit-aer raises many kinds of errors on bad values
            raise ValueError(f"error {index}: {type(err).__name__}: {err}") from None
    return model


def _add_error(model: NoiseModel, error: Any) -> None:
    if not isinstance(error, dict):
        raise ValueError("an error must be an object")
    kind = error.get("type")
    gate_qubits = error.get("gate_qubits")
    if kind == "qerror":
        terms = [_term(instructions) for instructions in error["instructions"]]
        quantum = QuantumError(list(zip(terms, error["probabilities"], strict=True)))
        operations = list(error["operations"])
        if gate_qubits is None:
            model.add_all_qubit_quantum_error(quantum, operations, warnings=False)
        else:
            for qubits in gate_qubits:
                model.add_quantum_error(quantum, operations, qubits, warnings=False)
    elif kind == "roerror":
        readout = ReadoutError(np.array(error["probabilities"], dtype=float))
        if gate_qubits is None:
            model.add_all_qubit_readout_error(readout, warnings=False)
        else:
            for qubits in gate_qubits:
                model.add_readout_error(readout, qubits, warnings=False)
    else:
        raise ValueError(f"unknown error type {kind!r} (qerror or roerror)")


def _term(instructions: Any) -> QuantumCircuit:
    """One term of a quantum error: its instructions as a circuit (as Aer's from_dict)."""
    if not isinstance(instructions, list) or not instructions:
        raise ValueError("each term of a qerror is a non-empty list of instructions")
    width = max(max(item["qubits"]) for item in instructions) + 1
    circuit = QuantumCircuit(width)
    standard = get_standard_gate_name_mapping()
    for item in instructions:
        name, qubits, params = item["name"], item["qubits"], item.get("params", [])
        if name == "reset":
            circuit.append(Reset(), qubits)
        elif name == "kraus":
            matrices = [np.array(matrix, dtype=complex) for matrix in params]
            circuit.append(Instruction("kraus", len(qubits), 0, matrices), qubits)
        elif name == "unitary":
            circuit.append(UnitaryGate(np.array(params[0], dtype=complex)), qubits)
        elif name == "pauli":
            circuit.append(PauliGate(params[0]), qubits)
        elif name in standard and not standard[name].params and name != "measure":
            matrix = Operator(standard[name]).data
            circuit.append(UnitaryGate(matrix, label=name), qubits)
        else:
            raise ValueError(f"unknown noise instruction {name!r}")
    return circuit
