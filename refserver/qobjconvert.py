"""Turning a QASM Qobj (as JSON) back into qiskit circuits for the simulator.

The JSON encoding of the original client writes complex numbers as ``[re, im]``
pairs; qiskit's ``QasmQobj.from_dict`` expects Python complex values, so the
parameters are decoded first. Experiments without the header fields that
qiskit's ``disassemble`` relies on (register sizes and labels) get a header
derived from their instructions.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

from qiskit import QuantumCircuit
from qiskit.assembler import disassemble
from qiskit.qobj import QasmQobj


class QobjConversionError(Exception):
    """The Qobj cannot be turned into circuits (the message says why)."""


def to_circuits(qobj: dict[str, Any]) -> list[QuantumCircuit]:
    """The circuits of a QASM Qobj, one per experiment.

    Args:
        qobj: the Qobj as parsed from JSON (not modified).

    Returns:
        The circuits, named after the experiment headers.

    Raises:
        QobjConversionError: the Qobj is not a valid QASM Qobj.
    """
    try:
        prepared = copy.deepcopy(qobj)
        for experiment in prepared["experiments"]:
            _complete_header(experiment, prepared.get("config", {}))
            for instruction in experiment["instructions"]:
                if "params" in instruction:
                    instruction["params"] = decode_params(instruction["params"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            circuits, _config, _header = disassemble(QasmQobj.from_dict(prepared))
    except QobjConversionError:
        raise
    except Exception as err:  # qiskit raises many kinds of errors on malformed input
        raise QobjConversionError(f"{type(err).__name__}: {err}") from None
    return list(circuits)


def decode_params(params: Any) -> Any:
    """Decode the complex numbers in an instruction's parameters.

    Each parameter is decoded on its own: ``u2``'s ``[phi, lam]`` stays two reals, while
    ``initialize``'s ``[[re, im], ...]`` becomes complex amplitudes and ``unitary``'s matrix
    of ``[re, im]`` entries a complex matrix.
    """
    if not isinstance(params, list):
        return params
    return [_decode_value(param) for param in params]


def decode_noise_model(node: Any) -> Any:
    """Decode the instruction parameters nested anywhere in a noise model dict."""
    if isinstance(node, dict):
        return {
            key: decode_params(value) if key == "params" else decode_noise_model(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [decode_noise_model(item) for item in node]
    return node


def _decode_value(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) == 2 and all(_is_real(item) for item in value):
            return complex(value[0], value[1])
        return [_decode_value(item) for item in value]
    return value


def _is_real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _complete_header(experiment: dict[str, Any], qobj_config: dict[str, Any]) -> None:
    header = experiment.setdefault("header", {})
    if not isinstance(header, dict):
        raise QobjConversionError("experiment header must be an object")
    n_qubits, n_clbits = _widths(experiment, qobj_config)
    if "qubit_labels" not in header or "qreg_sizes" not in header:
        header["qreg_sizes"] = [["q", n_qubits]]
        header["qubit_labels"] = [["q", i] for i in range(n_qubits)]
    if "clbit_labels" not in header or "creg_sizes" not in header:
        header["creg_sizes"] = [["c", n_clbits]] if n_clbits else []
        header["clbit_labels"] = [["c", i] for i in range(n_clbits)]
    header.setdefault("name", "experiment")
    header.setdefault("memory_slots", n_clbits)
    header.setdefault("n_qubits", n_qubits)
    _check_labels(header, experiment)


def _widths(experiment: dict[str, Any], qobj_config: dict[str, Any]) -> tuple[int, int]:
    qubits = [q for i in experiment["instructions"] for q in i.get("qubits", [])]
    memory = [m for i in experiment["instructions"] for m in i.get("memory", [])]
    config = experiment.get("config") or {}
    n_qubits = max([*(q + 1 for q in qubits), config.get("n_qubits", 0)])
    n_clbits = max(
        [*(m + 1 for m in memory), config.get("memory_slots", qobj_config.get("memory_slots", 0))]
    )
    return int(n_qubits), int(n_clbits)


def _check_labels(header: dict[str, Any], experiment: dict[str, Any]) -> None:
    # qiskit's disassemble silently drops qubits it cannot map; refuse them instead.
    n_qubits = len(header["qubit_labels"])
    n_clbits = len(header["clbit_labels"])
    for instruction in experiment["instructions"]:
        if any(q >= n_qubits for q in instruction.get("qubits", [])):
            raise QobjConversionError(
                f"instruction {instruction['name']} uses a qubit beyond the header's"
                f" {n_qubits} qubit labels"
            )
        if any(m >= n_clbits for m in instruction.get("memory", [])):
            raise QobjConversionError(
                f"instruction {instruction['name']} uses a memory slot beyond the header's"
                f" {n_clbits} clbit labels"
            )
