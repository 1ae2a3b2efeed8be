"""Circuits rebuilt from a QASM Qobj document: ``job.circuits()`` where qiskit no longer has
``disassemble`` (qiskit >= 1), the inverse of ``ibmqjob/_qobj.py``'s encoder.

Registers come from the experiment headers; standard gates become qiskit's, other names
opaque instructions; a ``bfunc`` and the instructions ``conditional`` on it become an
``if_test``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qiskit.circuit import ClassicalRegister, Instruction, QuantumCircuit, QuantumRegister
from qiskit.circuit.library import Barrier, Measure, Reset, get_standard_gate_name_mapping

from ._qobj import QobjEncodingError

__all__ = ["decode_circuits"]


def decode_circuits(qobj: Mapping[str, Any]) -> list[QuantumCircuit]:
    """Rebuild the circuits of a QASM Qobj document, one per experiment.

    Registers come from the experiment headers; standard gates become qiskit's, other names
    opaque instructions; a ``bfunc`` and the instructions ``conditional`` on it become an
    ``if_test``.

    Args:
        qobj: The Qobj document.

    Returns:
        The circuits.

    Raises:
        QobjEncodingError: If the document is not a QASM Qobj that can be rebuilt.
    """
    if qobj.get("type", "QASM") != "QASM":
        raise QobjEncodingError("Only a QASM Qobj holds circuits.")
    try:
        return [_circuit(experiment) for experiment in qobj.get("experiments", [])]
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise QobjEncodingError(f"The Qobj cannot be turned into circuits: {err!r}") from err


def _circuit(experiment: Mapping[str, Any]) -> QuantumCircuit:
    header = experiment.get("header", {})
    config = experiment.get("config", {})
    qregs = [QuantumRegister(size, name) for name, size in header.get("qreg_sizes", [])]
    cregs = [ClassicalRegister(size, name) for name, size in header.get("creg_sizes", [])]
    if not qregs and config.get("n_qubits"):
        qregs = [QuantumRegister(config["n_qubits"], "q")]
    if not cregs and config.get("memory_slots"):
        cregs = [ClassicalRegister(config["memory_slots"], "c")]
    circuit = QuantumCircuit(*qregs, *cregs, name=header.get("name"))
    circuit.global_phase = header.get("global_phase", 0.0)
    if header.get("metadata"):
        circuit.metadata = dict(header["metadata"])
    gates = get_standard_gate_name_mapping()
    conditions: dict[int, tuple[Any, int]] = {}
    for item in experiment["instructions"]:
        if item["name"] == "bfunc":
            conditions[item["register"]] = _condition_of(circuit, item)
            continue
        operation = _operation(item, gates)
        qargs = [circuit.qubits[i] for i in item.get("qubits", [])]
        cargs = [circuit.clbits[i] for i in item.get("memory", [])]
        if "conditional" in item:
            with circuit.if_test(conditions[item["conditional"]]):
                circuit.append(operation, qargs, cargs)
        else:
            circuit.append(operation, qargs, cargs)
    return circuit


def _operation(item: Mapping[str, Any], gates: Mapping[str, Any]) -> Instruction:
    name = item["name"]
    params = list(item.get("params", []))
    qubits = len(item.get("qubits", []))
    if name == "barrier":
        return Barrier(qubits)
    if name == "measure":
        return Measure()
    if name == "reset":
        return Reset()
    standard = gates.get(name)
    if standard is not None and len(standard.params) == len(params):
        operation: Instruction = type(standard)(*params) if params else standard.to_mutable()
        if item.get("label"):
            operation.label = item["label"]
        return operation
    return Instruction(name, qubits, len(item.get("memory", [])), params)


def _condition_of(circuit: QuantumCircuit, bfunc: Mapping[str, Any]) -> tuple[Any, int]:
    mask = int(bfunc["mask"], 16)
    value = int(bfunc["val"], 16)
    slots = [index for index in range(mask.bit_length()) if mask >> index & 1]
    for register in circuit.cregs:
        indices = [circuit.find_bit(bit).index for bit in register]
        if sorted(indices) == slots:
            shifted = sum(((value >> index) & 1) << pos for pos, index in enumerate(indices))
            return register, shifted
    if len(slots) == 1:
        return circuit.clbits[slots[0]], (value >> slots[0]) & 1
    raise QobjEncodingError(
        f"The condition mask {bfunc['mask']} is neither one bit nor one register."
    )
