"""Turning a QASM Qobj (as JSON) back into qiskit circuits for the simulator.

The decoder is the server's own and uses only circuit APIs that qiskit 0.46 and 2.x share
(registers, the standard gate library, ``if_test``), so a Qobj gives the same circuit on
both lines. It reads what qiskit 0.46's ``assemble`` writes:

* the experiment header's registers (``qreg_sizes``, ``creg_sizes``) and the register bit
  of every qubit and memory slot (``qubit_labels``, ``clbit_labels``); an experiment
  without them gets one register ``q`` and one register ``c`` sized from its instructions;
* gates of qiskit's standard library with their parameters, ``mcx``, ``mcp``
  (``mcphase``) and ``mcu1`` (controls first), ``unitary`` (a matrix of ``[re, im]``
  pairs), ``initialize`` (amplitudes), ``measure``, ``reset``, ``barrier`` and ``delay``;
* conditionals: ``bfunc`` (``mask``, ``relation`` ``==`` or ``!=``, ``val``, ``register``)
  followed by instructions whose ``conditional`` names that register. A condition on the
  bits of one classical register (or on one bit) becomes ``if_test`` on it; any other
  mask becomes ``if_test`` on a register aliasing the masked bits. The older inline
  form ``"conditional": {"mask", "type": "equals", "val"}`` is read too.

The JSON encoding of the original client writes complex numbers as ``[re, im]`` pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeGuard

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import (
    Barrier,
    CircuitInstruction,
    Clbit,
    Delay,
    Instruction,
    Measure,
    Qubit,
    Reset,
)
from qiskit.circuit.library import (
    Initialize,
    MCPhaseGate,
    MCU1Gate,
    MCXGate,
    UnitaryGate,
    get_standard_gate_name_mapping,
)

# Name prefix of the registers that alias the bits of a bfunc mask (not the user's registers).
MASK_REGISTER = "bfunc_mask"


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
    config = qobj.get("config")
    experiments = qobj.get("experiments")
    if not isinstance(config, dict) or not isinstance(experiments, list):
        raise QobjConversionError("the Qobj needs a `config` object and an `experiments` list")
    circuits = []
    for index, experiment in enumerate(experiments):
        try:
            circuits.append(_Decoder(experiment, config).circuit())
        except QobjConversionError as err:
            raise QobjConversionError(f"experiment {index}: {err}") from None
        except Exception as err:  # qiskit raises many kinds of errors on malformed input
            raise QobjConversionError(f"experiment {index}: {type(err).__name__}: {err}") from None
    return circuits


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


def _is_real(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_index(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@cache
def _standard_gates() -> dict[str, Any]:
    mapping = get_standard_gate_name_mapping()
    skipped = {"measure", "reset", "delay", "global_phase"}
    return {name: type(gate) for name, gate in mapping.items() if name not in skipped}


@cache
def _standard_arity(name: str) -> int:
    return len(get_standard_gate_name_mapping()[name].params)


_MULTI_CONTROLLED = {"mcx": 0, "mcp": 1, "mcphase": 1, "mcu1": 1}


@dataclass(frozen=True)
class _Condition:
    """``(memory & mask) relation val`` over the memory slots."""

    mask: int
    relation: str
    value: int


class _Decoder:
    """Builds the circuit of one experiment."""

    def __init__(self, experiment: Any, config: dict[str, Any]) -> None:
        if not isinstance(experiment, dict):
            raise QobjConversionError("an experiment must be an object")
        instructions = experiment.get("instructions")
        if not isinstance(instructions, list) or not all(
            isinstance(i, dict) and isinstance(i.get("name"), str) for i in instructions
        ):
            raise QobjConversionError("`instructions` must be a list of named instructions")
        self._instructions: list[dict[str, Any]] = instructions
        self._experiment = experiment
        self._config = config
        self._registers: dict[int, _Condition] = {}
        self._aliases: dict[tuple[Clbit, ...], ClassicalRegister] = {}

    def circuit(self) -> QuantumCircuit:
        header = self._header()
        qregs = [QuantumRegister(int(size), str(name)) for name, size in header["qreg_sizes"]]
        cregs = [ClassicalRegister(int(size), str(name)) for name, size in header["creg_sizes"]]
        name = header.get("name")
        self.circ = QuantumCircuit(*qregs, *cregs, name=str(name) if name else None)
        phase = header.get("global_phase")
        if _is_real(phase):
            self.circ.global_phase = float(phase)
        self.qubits = _bits(header["qubit_labels"], qregs, "qubit")
        self.clbits = _bits(header["clbit_labels"], cregs, "clbit")
        self.cregs = cregs
        for instruction in self._instructions:
            self._add(instruction)
        return self.circ

    def _header(self) -> dict[str, Any]:
        header = self._experiment.get("header")
        if header is None:
            header = {}
        if not isinstance(header, dict):
            raise QobjConversionError("experiment header must be an object")
        header = dict(header)
        if "qubit_labels" not in header or "qreg_sizes" not in header:
            n_qubits = self._widths()[0]
            header["qreg_sizes"] = [["q", n_qubits]]
            header["qubit_labels"] = [["q", i] for i in range(n_qubits)]
        if "clbit_labels" not in header or "creg_sizes" not in header:
            n_clbits = self._widths()[1]
            header["creg_sizes"] = [["c", n_clbits]] if n_clbits else []
            header["clbit_labels"] = [["c", i] for i in range(n_clbits)]
        header.setdefault("name", "experiment")
        for key in ("qreg_sizes", "creg_sizes"):
            sizes = header[key]
            if not isinstance(sizes, list) or not all(
                isinstance(item, list)
                and len(item) == 2
                and isinstance(item[0], str)
                and _is_index(item[1])
                for item in sizes
            ):
                raise QobjConversionError(f"header `{key}` must be a list of [name, size] pairs")
        return header

    def _widths(self) -> tuple[int, int]:
        qubits = [q for i in self._instructions for q in _indices(i, "qubits")]
        memory = [m for i in self._instructions for m in _indices(i, "memory")]
        config = self._experiment.get("config")
        config = config if isinstance(config, dict) else {}
        declared_qubits = config.get("n_qubits", 0)
        declared_slots = config.get("memory_slots", self._config.get("memory_slots", 0))
        n_qubits = max(
            [*(q + 1 for q in qubits), declared_qubits if _is_index(declared_qubits) else 0]
        )
        n_clbits = max(
            [*(m + 1 for m in memory), declared_slots if _is_index(declared_slots) else 0]
        )
        return n_qubits, n_clbits

    def _add(self, instruction: dict[str, Any]) -> None:
        name = instruction["name"]
        if name == "bfunc":
            self._bfunc(instruction)
            return
        qubit_indices = _indices(instruction, "qubits")
        if len(set(qubit_indices)) != len(qubit_indices):
            raise QobjConversionError(f"instruction {name} names a qubit twice: {qubit_indices}")
        qubits = [self._qubit(q, name) for q in qubit_indices]
        clbits = [self._clbit(m, name) for m in _indices(instruction, "memory")]
        condition = self._condition(instruction)
        if name == "measure":
            if len(qubits) != len(clbits) or not qubits:
                raise QobjConversionError("measure needs as many memory slots as qubits")
            operations = [(Measure(), [q], [c]) for q, c in zip(qubits, clbits, strict=True)]
        elif name == "reset":
            operations = [(Reset(), [q], []) for q in qubits]
        else:
            operations = [(self._operation(instruction, len(qubits)), qubits, [])]
        for operation, qargs, cargs in operations:
            if condition is None:
                # The checked fast path: the bits are the circuit's own, distinct, and as
                # many as the operation takes (``append`` would check and broadcast again,
                # a third of the conversion's time on many small circuits).
                self.circ._append(CircuitInstruction(operation, qargs, cargs))
            else:
                self._append_conditional(condition, operation, qargs, cargs)

    def _operation(self, instruction: dict[str, Any], n_qubits: int) -> Instruction:
        name = instruction["name"]
        params = instruction.get("params", [])
        if not isinstance(params, list):
            raise QobjConversionError(f"{name}: `params` must be a list")
        if name == "barrier":
            return Barrier(n_qubits)
        if name == "unitary":
            if len(params) != 1:
                raise QobjConversionError("unitary takes one parameter, its matrix")
            matrix = np.array(decode_params(params)[0], dtype=complex)
            gate = UnitaryGate(matrix)
            label = instruction.get("label")
            if isinstance(label, str):
                gate.label = label
            return _checked(gate, n_qubits)
        if name == "initialize":
            return _checked(Initialize(decode_params(params)), n_qubits)
        if name == "delay":
            if len(params) != 1 or not _is_real(params[0]):
                raise QobjConversionError("delay takes one parameter, its duration")
            return _checked(Delay(params[0]), n_qubits)
        reals = _real_params(name, params)
        if name in _MULTI_CONTROLLED:
            if len(reals) != _MULTI_CONTROLLED[name] or n_qubits < 2:
                raise QobjConversionError(
                    f"{name} takes {_MULTI_CONTROLLED[name]} parameter(s) and at least 2 qubits"
                )
            if name == "mcx":
                return MCXGate(n_qubits - 1)
            if name in ("mcp", "mcphase"):
                return MCPhaseGate(reals[0], n_qubits - 1)
            return MCU1Gate(reals[0], n_qubits - 1)
        gate_class = _standard_gates().get(name)
        if gate_class is None:
            raise QobjConversionError(f"unknown instruction {name!r}")
        arity = _standard_arity(name)
        if len(reals) != arity:
            raise QobjConversionError(f"{name} takes {arity} parameter(s), got {len(reals)}")
        return _checked(gate_class(*reals), n_qubits)

    def _bfunc(self, instruction: dict[str, Any]) -> None:
        register = instruction.get("register")
        if not _is_index(register):
            raise QobjConversionError("bfunc needs a `register` index")
        relation = instruction.get("relation", "==")
        if relation not in ("==", "!="):
            raise QobjConversionError(f"bfunc relation {relation!r} is not supported (== or !=)")
        self._registers[register] = _Condition(
            _hex(instruction, "mask"), relation, _hex(instruction, "val")
        )

    def _condition(self, instruction: dict[str, Any]) -> _Condition | None:
        conditional = instruction.get("conditional")
        if conditional is None:
            return None
        if isinstance(conditional, dict):  # the older inline form
            if conditional.get("type", "equals") != "equals":
                raise QobjConversionError("conditional type must be `equals`")
            return _Condition(_hex(conditional, "mask"), "==", _hex(conditional, "val"))
        if not _is_index(conditional) or conditional not in self._registers:
            raise QobjConversionError(
                f"{instruction['name']} is conditional on register {conditional!r},"
                " which no earlier bfunc sets"
            )
        return self._registers[conditional]

    def _append_conditional(
        self, condition: _Condition, operation: Instruction, qargs: list[Qubit], cargs: list[Clbit]
    ) -> None:
        target, value = self._condition_target(condition)
        if condition.relation == "==":
            with self.circ.if_test((target, value)):
                self.circ.append(operation, qargs, cargs)
        else:
            with self.circ.if_test((target, value)) as otherwise:
                pass
            with otherwise:
                self.circ.append(operation, qargs, cargs)

    def _condition_target(self, condition: _Condition) -> tuple[Clbit | ClassicalRegister, int]:
        mask, value = condition.mask, condition.value
        if mask == 0 or mask >> len(self.clbits):
            raise QobjConversionError(f"bfunc mask {mask:#x} does not fit the memory slots")
        if value & ~mask:
            raise QobjConversionError(f"bfunc val {value:#x} has bits outside its mask {mask:#x}")
        slots = [slot for slot in range(len(self.clbits)) if mask >> slot & 1]
        bits = tuple(self.clbits[slot] for slot in slots)
        compressed = sum(1 << position for position, slot in enumerate(slots) if value >> slot & 1)
        if len(bits) == 1:
            return bits[0], compressed
        for register in self.cregs:
            if tuple(register) == bits:
                return register, compressed
        alias = self._aliases.get(bits)
        if alias is None:
            alias = ClassicalRegister(name=f"{MASK_REGISTER}{len(self._aliases)}", bits=list(bits))
            self.circ.add_register(alias)
            self._aliases[bits] = alias
        return alias, compressed

    def _qubit(self, index: int, name: str) -> Qubit:
        if index >= len(self.qubits):
            raise QobjConversionError(
                f"instruction {name} uses a qubit beyond the header's"
                f" {len(self.qubits)} qubit labels"
            )
        return self.qubits[index]

    def _clbit(self, index: int, name: str) -> Clbit:
        if index >= len(self.clbits):
            raise QobjConversionError(
                f"instruction {name} uses a memory slot beyond the header's"
                f" {len(self.clbits)} clbit labels"
            )
        return self.clbits[index]


def _bits(labels: Any, registers: list[Any], kind: str) -> list[Any]:
    by_name = {register.name: register for register in registers}
    if not isinstance(labels, list):
        raise QobjConversionError(f"header `{kind}_labels` must be a list")
    bits = []
    for label in labels:
        if (
            not isinstance(label, list)
            or len(label) != 2
            or label[0] not in by_name
            or not _is_index(label[1])
            or label[1] >= by_name[label[0]].size
        ):
            raise QobjConversionError(f"header {kind} label {label!r} names no register bit")
        bits.append(by_name[label[0]][label[1]])
    return bits


def _indices(instruction: dict[str, Any], key: str) -> list[int]:
    values = instruction.get(key, [])
    if type(values) is not list or not all(type(v) is int and v >= 0 for v in values):
        raise QobjConversionError(
            f"instruction {instruction['name']}: `{key}` must be a list of non-negative integers"
        )
    return values


def _real_params(name: str, params: list[Any]) -> list[float]:
    if not all(_is_real(p) for p in params):
        raise QobjConversionError(f"{name}: parameters must be numbers")
    if not all(math.isfinite(p) for p in params):
        raise QobjConversionError(f"{name}: parameters must be finite")
    return list(params)


def _hex(node: dict[str, Any], key: str) -> int:
    text = node.get(key)
    if isinstance(text, str):
        try:
            value = int(text, 16)
        except ValueError:
            pass
        else:
            if value >= 0:
                return value
    raise QobjConversionError(f"bfunc `{key}` must be a hexadecimal string, got {text!r}")


def _checked(operation: Instruction, n_qubits: int) -> Instruction:
    if operation.num_qubits != n_qubits:
        raise QobjConversionError(
            f"{operation.name} acts on {operation.num_qubits} qubit(s), the instruction names"
            f" {n_qubits}"
        )
    return operation
