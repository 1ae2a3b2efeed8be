"""The server's Qobj decoder and simulator: the same circuits and counts on every qiskit line.

The differential tests compare with qiskit 0.46's own ``assemble`` (only that line has it);
the pinned counts hold on every line: Aer 0.14.2 (qiskit 0.46) and the newest Aer give the
same counts for the same seed, noiseless and on a fake device's noise model.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import qiskit
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Gate
from qiskit.circuit.library import MCU1Gate, UnitaryGate, get_standard_gate_name_mapping
from qiskit.quantum_info import Operator
from qiskit_aer import AerSimulator

from refserver.devices import Device, DeviceCatalog
from refserver.noise import DeviceProperties, device_noise_model
from refserver.qobjconvert import QobjConversionError, to_circuits
from refserver.simulation import Simulation
from refserver.testing import bell_qobj, circuit_qobj, ghz_qobj, qobj_json

CATALOG = DeviceCatalog()


def _device(name: str) -> Device:
    device = CATALOG.get(name)
    assert device is not None, name
    return device


def _snapshot(device: Device) -> dict[str, Any]:
    assert device.snapshot is not None, device.name
    return device.snapshot


SIMULATOR = _device("ibmq_qasm_simulator")
MANILA = _device("ibmq_manila")
LEGACY_QISKIT = qiskit.__version__.startswith("0.")
needs_assemble = pytest.mark.skipif(
    not LEGACY_QISKIT, reason="compares with qiskit 0.46's assemble, which later qiskit lacks"
)


def _counts(qobj: dict[str, Any], device: Any = SIMULATOR) -> list[dict[str, int]]:
    calibration = None if device.snapshot is None else (1, device.snapshot)
    result = Simulation(256).run(qobj, device, calibration, "a" * 24)
    assert result["success"], result
    return [experiment["data"]["counts"] for experiment in result["results"]]


# The same numbers on qiskit 0.46.3 + qiskit-aer 0.14.2 and on qiskit 2.x + the newest Aer.
def test_bell_counts_for_a_seed_are_pinned() -> None:
    assert _counts(bell_qobj(shots=1024, seed=42)) == [{"0x0": 521, "0x3": 503}]


def test_ghz_counts_for_a_seed_are_pinned() -> None:
    assert _counts(ghz_qobj(3, shots=1024, seed=11)) == [{"0x0": 515, "0x7": 509}]
    assert _counts(ghz_qobj(5, shots=4000, seed=7)) == [{"0x0": 1979, "0x1f": 2021}]


def _manila_ghz() -> list[dict[str, Any]]:
    # H as rz(pi/2) sx rz(pi/2): the device's basis gates, its coupled pairs.
    return [
        {"name": "rz", "params": [math.pi / 2], "qubits": [0]},
        {"name": "sx", "qubits": [0]},
        {"name": "rz", "params": [math.pi / 2], "qubits": [0]},
        {"name": "cx", "qubits": [0, 1]},
        {"name": "cx", "qubits": [1, 2]},
        *({"name": "measure", "qubits": [i], "memory": [i]} for i in range(3)),
    ]


def test_noisy_device_counts_for_a_seed_are_pinned() -> None:
    counts = _counts(circuit_qobj("ghz", 3, _manila_ghz(), shots=4000, seed=5), MANILA)
    assert counts == [
        {
            "0x0": 1853,
            "0x1": 128,
            "0x2": 38,
            "0x3": 76,
            "0x4": 48,
            "0x5": 47,
            "0x6": 454,
            "0x7": 1356,
        }
    ]


def test_device_properties_read_the_calibration_document() -> None:
    properties = DeviceProperties(_snapshot(MANILA))
    assert len(properties.qubits) == 5
    assert 1e-6 < properties.t1(0) < 1e-3 and 1e-6 < properties.t2(0) < 1e-3
    assert 4e9 < properties.frequency(0) < 6e9
    with pytest.raises(ValueError, match="no qubit 9"):
        properties.t1(9)
    with pytest.raises(ValueError, match="malformed properties document"):
        DeviceProperties({"qubits": [[{"name": "T1"}]], "gates": []})
    model = device_noise_model(_snapshot(MANILA))
    assert set(model.basis_gates) >= {"cx", "sx", "rz", "x"}
    assert model.noise_qubits == [0, 1, 2, 3, 4]


@pytest.mark.skipif(not LEGACY_QISKIT, reason="qiskit's BackendProperties is gone in qiskit 1+")
def test_device_properties_give_aer_what_qiskit_046_properties_give() -> None:
    from qiskit.providers.models import BackendProperties
    from qiskit_aer.noise.device import models, parameters

    for device in (MANILA, _device("ibmq_lima")):
        ours = DeviceProperties(_snapshot(device))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = BackendProperties.from_dict(_snapshot(device))
        for values in (
            parameters.gate_param_values,
            parameters.readout_error_values,
            parameters.thermal_relaxation_values,
        ):
            assert values(ours) == values(theirs)
        for qubit in range(5):
            assert ours.t1(qubit) == theirs.t1(qubit)
            assert ours.t2(qubit) == theirs.t2(qubit)
            assert ours.frequency(qubit) == theirs.frequency(qubit)
        errors = zip(
            models.basic_device_gate_errors(ours),
            models.basic_device_gate_errors(theirs),
            strict=True,
        )
        for (name, qubits, error), (name2, qubits2, error2) in errors:
            assert (name, qubits) == (name2, qubits2)
            assert error == error2


@pytest.mark.skipif(not LEGACY_QISKIT, reason="extracts from qiskit 0.46's fake backends")
def test_shipped_snapshots_are_qiskit_046s() -> None:
    from refserver.snapshots import main

    assert main(["--check"]) == 0


# The corpus of the differential tests: circuits as users build them on qiskit 0.46.
def _params_circuit() -> QuantumCircuit:
    circuit = QuantumCircuit(3, 3, name="params", global_phase=0.25)
    circuit.h(0)
    circuit.rx(0.3, 1)
    circuit.r(0.7, 0.2, 2)
    circuit.cu(0.4, 0.5, 0.6, 0.1, 0, 2)
    circuit.u(0.1, 0.2, 0.3, 1)
    circuit.p(0.9, 0)
    circuit.rzz(0.4, 0, 1)
    circuit.ccx(0, 1, 2)
    circuit.barrier()
    circuit.reset(1)
    circuit.sx(1)
    circuit.delay(64, 2)
    circuit.measure([0, 1, 2], [2, 0, 1])
    return circuit


def _registers_circuit() -> QuantumCircuit:
    data, ancilla = QuantumRegister(3, "data"), QuantumRegister(2, "anc")
    low, high = ClassicalRegister(2, "low"), ClassicalRegister(3, "high")
    circuit = QuantumCircuit(data, ancilla, low, high, name="registers")
    circuit.h(data)
    circuit.cx(data[0], ancilla[1])
    circuit.swap(data[2], ancilla[0])
    circuit.mcx([data[0], data[1], ancilla[0]], ancilla[1])
    circuit.mcp(0.6, [data[0], data[1]], data[2])
    circuit.measure(ancilla, low)
    circuit.measure(data, high)
    return circuit


def _matrices_circuit() -> QuantumCircuit:
    circuit = QuantumCircuit(2, 2, name="matrices")
    circuit.initialize([0.6, 0.8j], 0)
    theta = 0.7
    rotation = np.array(
        [[math.cos(theta), -1j * math.sin(theta)], [-1j * math.sin(theta), math.cos(theta)]]
    )
    circuit.append(UnitaryGate(rotation), [1])
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


def _conditional_circuit() -> QuantumCircuit:
    qubits, flags, out = QuantumRegister(3, "q"), ClassicalRegister(2, "flags"), None
    out = ClassicalRegister(3, "out")
    circuit = QuantumCircuit(qubits, flags, out, name="conditional")
    circuit.h(0)
    circuit.h(1)
    circuit.measure(0, flags[0])
    circuit.measure(1, flags[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        circuit.x(2).c_if(flags, 3)  # a whole register
        circuit.rx(0.8, 0).c_if(flags[1], 1)  # one bit
        circuit.reset(1).c_if(flags, 1)
    circuit.measure([0, 1, 2], out)
    return circuit


def _library_circuit() -> QuantumCircuit:
    # Every standard gate the simulator's configuration lists, on the first qubits.
    circuit = QuantumCircuit(4, 4, name="library")
    circuit.h(range(4))
    standard = get_standard_gate_name_mapping()
    for position, name in enumerate(SIMULATOR.configuration["basis_gates"]):
        gate = standard.get(name)
        if gate is None or name in ("measure", "reset", "delay"):
            continue
        params = [0.1 + 0.05 * (position + i) for i in range(len(gate.params))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            circuit.append(type(gate)(*params), list(range(gate.num_qubits)))
    circuit.append(MCU1Gate(0.3, 2), [0, 1, 3])
    circuit.measure(range(4), range(4))
    return circuit


CORPUS: dict[str, Callable[[], QuantumCircuit]] = {
    "library": _library_circuit,
    "params": _params_circuit,
    "registers": _registers_circuit,
    "matrices": _matrices_circuit,
    "conditional": _conditional_circuit,
}


def _assembled(circuits: list[QuantumCircuit], **config: Any) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return qobj_json(qiskit.assemble(circuits, **config))


def _aer_counts(circuit: QuantumCircuit, seed: int, shots: int = 2000) -> dict[int, int]:
    counts = AerSimulator().run(circuit, shots=shots, seed_simulator=seed).result().get_counts()
    return {int(key.replace(" ", ""), 2): value for key, value in counts.items()}


def _hex_counts(counts: dict[str, int]) -> dict[int, int]:
    return {int(key, 16): value for key, value in counts.items()}


@needs_assemble
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_decoded_circuit_counts_equal_the_original_circuits(name: str) -> None:
    original = CORPUS[name]()
    qobj = _assembled([original], shots=2000, seed_simulator=17)
    (decoded,) = to_circuits(qobj)
    assert decoded.name == original.name
    assert [r.name for r in decoded.qregs] == [r.name for r in original.qregs]
    assert [r.name for r in decoded.cregs][: len(original.cregs)] == [
        r.name for r in original.cregs
    ]
    assert _aer_counts(decoded, 17) == _aer_counts(original, 17)
    (served,) = _counts(qobj)
    assert _hex_counts(served) == _aer_counts(original, 17)


@needs_assemble
@pytest.mark.parametrize("name", ["library", "params", "registers", "matrices"])
def test_decoded_circuits_equal_the_original_circuits(name: str) -> None:
    original = CORPUS[name]()
    (decoded,) = to_circuits(_assembled([original]))
    assert decoded.global_phase == original.global_phase
    assert decoded.qregs == original.qregs and decoded.cregs == original.cregs
    assert _structure(decoded) == _structure(original)
    for ours, theirs in zip(decoded.data, original.data, strict=True):
        if isinstance(theirs.operation, Gate):
            # mcx comes back as MCXGate where the user had C3XGate: the same operator.
            assert Operator(ours.operation) == Operator(theirs.operation)


def _structure(circuit: QuantumCircuit) -> list[tuple[Any, ...]]:
    return [
        (
            item.operation.name,
            [p.tolist() if hasattr(p, "tolist") else p for p in item.operation.params],
            [circuit.find_bit(q).index for q in item.qubits],
            [circuit.find_bit(c).index for c in item.clbits],
        )
        for item in circuit.data
    ]


@needs_assemble
def test_decoded_conditionals_are_the_originals_conditions() -> None:
    (decoded,) = to_circuits(_assembled([_conditional_circuit()]))
    conditions = [
        (item.operation.condition, item.operation.blocks[0].data[0].operation.name)
        for item in decoded.data
        if item.operation.name == "if_else"
    ]
    flags = decoded.cregs[0]
    assert conditions == [((flags, 3), "x"), ((flags[1], 1), "rx"), ((flags, 1), "reset")]


@needs_assemble
def test_assembled_test_qobjs_equal_qiskit_046s() -> None:
    bell = QuantumCircuit(2, 2, name="bell")
    bell.h(0)
    bell.cx(0, 1)
    bell.measure([0, 1], [0, 1])
    ghz = QuantumCircuit(4, 4, name="ghz")
    ghz.h(0)
    for qubit in range(3):
        ghz.cx(qubit, qubit + 1)
    ghz.measure(range(4), range(4))
    for ours, theirs in (
        (bell_qobj(shots=100, seed=3), _assembled([bell], shots=100, seed_simulator=3)),
        (ghz_qobj(4, shots=10, seed=None, memory=True), _assembled([ghz], shots=10, memory=True)),
    ):
        assert {**ours, "qobj_id": ""} == {**theirs, "qobj_id": ""}


@needs_assemble
def test_several_experiments_and_run_options() -> None:
    circuits = [CORPUS[name]() for name in ("params", "registers")]
    qobj = _assembled(circuits, shots=300, seed_simulator=4, memory=True)
    result = Simulation(256).run(qobj, SIMULATOR, None, "b" * 24)
    assert [e["header"]["name"] for e in result["results"]] == ["params", "registers"]
    # Aer seeds the experiments of one run from the one seed: run the originals together.
    direct = AerSimulator().run(circuits, shots=300, seed_simulator=4).result()
    for index, experiment in enumerate(result["results"]):
        assert len(experiment["data"]["memory"]) == 300
        expected = {int(k.replace(" ", ""), 2): v for k, v in direct.get_counts(index).items()}
        assert _hex_counts(experiment["data"]["counts"]) == expected


# Conditionals 0.46's assemble does not write, and malformed input: on every line.
def _flag_qobj(bfunc: dict[str, Any], seed: int = 3) -> dict[str, Any]:
    instructions = [
        {"name": "h", "qubits": [0]},
        {"name": "h", "qubits": [1]},
        {"name": "measure", "qubits": [0], "memory": [0]},
        {"name": "measure", "qubits": [1], "memory": [1]},
        bfunc,
        {"name": "x", "qubits": [2], "conditional": 3},
        {"name": "measure", "qubits": [2], "memory": [2]},
    ]
    return circuit_qobj("flag", 3, instructions, shots=500, seed=seed)


def _agree(counts: dict[str, int], flipped: Callable[[int], bool]) -> bool:
    return all(((value >> 2) & 1) == flipped(value & 3) for value in _hex_counts(counts))


def test_bfunc_relations_and_masks() -> None:
    equal = {"name": "bfunc", "register": 3, "mask": "0x3", "relation": "==", "val": "0x1"}
    unequal = {**equal, "relation": "!="}
    high_bit = {**equal, "mask": "0x2", "val": "0x2"}
    (counts,) = _counts(_flag_qobj(equal))
    assert len(counts) == 4 and _agree(counts, lambda flags: flags == 1)
    (counts,) = _counts(_flag_qobj(unequal))
    assert len(counts) == 4 and _agree(counts, lambda flags: flags != 1)
    (counts,) = _counts(_flag_qobj(high_bit))
    assert len(counts) == 4 and _agree(counts, lambda flags: flags >= 2)


def test_masks_over_bits_of_several_registers_alias_them() -> None:
    qobj = _flag_qobj(
        {"name": "bfunc", "register": 3, "mask": "0x5", "relation": "==", "val": "0x1"}
    )
    (circuit,) = to_circuits(qobj)
    assert [r.name for r in circuit.cregs] == ["c", "bfunc_mask0"]
    (counts,) = _counts(qobj)
    # Slot 2 is measured after the conditional: the condition sees slot 0 only.
    assert _agree(counts, lambda flags: flags & 1 == 1)


def test_the_older_inline_conditional_is_read() -> None:
    qobj = _flag_qobj({"name": "barrier", "qubits": [0]})
    qobj["experiments"][0]["instructions"][5]["conditional"] = {
        "mask": "0x3",
        "type": "equals",
        "val": "0x3",
    }
    (counts,) = _counts(qobj)
    assert _agree(counts, lambda flags: flags == 3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda i: i.append({"name": "warp", "qubits": [0]}), "unknown instruction 'warp'"),
        (lambda i: i.append({"name": "h", "qubits": [5]}), "beyond the header's 3 qubit"),
        (lambda i: i.append({"name": "rx", "qubits": [0]}), "rx takes 1 parameter"),
        (lambda i: i.append({"name": "rx", "params": ["a"], "qubits": [0]}), "must be numbers"),
        (lambda i: i.append({"name": "cx", "qubits": [0]}), "acts on 2 qubit"),
        (lambda i: i.append({"name": "x", "qubits": [0], "conditional": 9}), "no earlier bfunc"),
        (
            lambda i: i.append(
                {"name": "bfunc", "register": 4, "mask": "zz", "relation": "==", "val": "0x1"}
            ),
            "hexadecimal",
        ),
        (
            lambda i: i.append(
                {"name": "bfunc", "register": 4, "mask": "0x1", "relation": "<", "val": "0x1"}
            ),
            "relation '<'",
        ),
        (lambda i: i.append({"name": "measure", "qubits": [0, 1], "memory": [0]}), "as many"),
    ],
)
def test_malformed_instructions_are_refused_with_the_reason(
    change: Callable[[list[dict[str, Any]]], None], message: str
) -> None:
    qobj = ghz_qobj(3)
    change(qobj["experiments"][0]["instructions"])
    with pytest.raises(QobjConversionError, match=f"experiment 0: .*{message}"):
        to_circuits(qobj)


def test_a_condition_outside_the_memory_is_refused() -> None:
    qobj = _flag_qobj(
        {"name": "bfunc", "register": 3, "mask": "0x10", "relation": "==", "val": "0x0"}
    )
    with pytest.raises(QobjConversionError, match="does not fit the memory slots"):
        to_circuits(qobj)
    qobj = _flag_qobj(
        {"name": "bfunc", "register": 3, "mask": "0x1", "relation": "==", "val": "0x2"}
    )
    with pytest.raises(QobjConversionError, match="bits outside its mask"):
        to_circuits(qobj)


def test_reused_simulators_keep_no_run_options() -> None:
    simulation = Simulation(256)
    first = simulation.run(bell_qobj(shots=64, seed=9, memory=True), SIMULATOR, None, "c" * 24)
    again = simulation.run(bell_qobj(shots=64, seed=9), SIMULATOR, None, "c" * 24)
    assert len(first["results"][0]["data"]["memory"]) == 64
    assert "memory" not in again["results"][0]["data"]
    assert first["results"][0]["data"]["counts"] == again["results"][0]["data"]["counts"]
    unseeded = [
        simulation.run(bell_qobj(shots=64, seed=None), SIMULATOR, None, "c" * 24)["results"][0]
        for _ in range(2)
    ]
    assert unseeded[0]["seed_simulator"] != unseeded[1]["seed_simulator"]
    for calibration in range(20):  # more calibrations than simulators kept
        result = simulation.run(
            ghz_qobj(3, shots=32, seed=1), MANILA, (calibration, _snapshot(MANILA)), "c" * 24
        )
        assert result["success"]


def test_headerless_results_name_only_the_default_registers() -> None:
    qobj = _flag_qobj(
        {"name": "bfunc", "register": 3, "mask": "0x5", "relation": "==", "val": "0x1"}
    )
    del qobj["experiments"][0]["header"]
    result = Simulation(256).run(qobj, SIMULATOR, None, "c" * 24)["results"][0]
    assert result["header"]["name"] == "experiment"
    assert result["header"]["creg_sizes"] == [["c", 3]]
    assert result["header"]["memory_slots"] == 3


def test_every_gate_the_simulator_lists_decodes_and_runs() -> None:
    standard = get_standard_gate_name_mapping()
    instructions: list[dict[str, Any]] = [{"name": "h", "qubits": [q]} for q in range(4)]
    listed = SIMULATOR.configuration["gates"]
    for entry in listed:
        name, n_params = entry["name"], len(entry["parameters"])
        width = standard[name].num_qubits if name in standard else 3
        if name == "unitary":
            params: list[Any] = [[[[0.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 0.0]]]]
            width = 1
        else:
            params = [0.1 * (i + 1) for i in range(n_params)]
        instructions.append({"name": name, "params": params, "qubits": list(range(width))})
    instructions += [
        {"name": "initialize", "params": [[0.6, 0.0], [0.0, 0.8]], "qubits": [3]},
        {"name": "reset", "qubits": [2]},
        {"name": "delay", "params": [16], "qubits": [1]},
        *({"name": "measure", "qubits": [q], "memory": [q]} for q in range(4)),
    ]
    qobj = circuit_qobj("everything", 4, instructions, shots=100, seed=3)
    (circuit,) = to_circuits(qobj)
    # mcx on 3 qubits is qiskit's ccx; mcp is named mcphase.
    names = {item.operation.name for item in circuit.data}
    assert names >= {e["name"] for e in listed} - {"mcp", "mcx"}
    assert sum(_counts(qobj)[0].values()) == 100


# qiskit APIs that qiskit 1.0 or 2.0 removed, and the one module allowed each (None: none).
REMOVED_APIS = {
    "qiskit.qobj": None,
    "qiskit.assembler": None,
    "assemble": None,
    "disassemble": None,
    "qiskit.pulse": None,
    "BasicAer": None,
    "BackendV1": None,
    "qiskit.providers.models": "noise.py",  # Aer 0.14 needs qiskit's BackendProperties
    "fake_provider": "snapshots.py",  # extraction of the shipped data, run by hand on 0.46
}


def test_the_server_uses_no_api_later_qiskit_removed() -> None:
    import ast
    from pathlib import Path

    import refserver

    found = []
    for path in sorted(Path(refserver.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value] if node.value.startswith("qiskit.") else []
            else:
                continue
            for name in names:
                for api, allowed in REMOVED_APIS.items():
                    if f".{api}." in f".{name}." and path.name != allowed:
                        found.append((path.name, name))
    assert found == [], found


def test_many_small_experiments_run_side_by_side_with_the_same_outcomes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import refserver.simulation as simulation_module

    qobj = ghz_qobj(3, shots=40, seed=11, memory=True)
    experiment = qobj["experiments"][0]
    count = simulation_module.PARALLEL_EXPERIMENTS_FROM + 4
    qobj["experiments"] = [
        {**experiment, "header": {**experiment["header"], "name": f"ghz-{i}"}} for i in range(count)
    ]
    monkeypatch.setattr(simulation_module, "_cores", lambda: 2)
    options = simulation_module._run_options(qobj["config"], to_circuits(qobj))
    assert options["max_parallel_experiments"] == options["max_parallel_threads"] == 2
    parallel = Simulation(256).run(qobj, SIMULATOR, None, "d" * 24)
    monkeypatch.setattr(simulation_module, "_cores", lambda: 1)
    serial = Simulation(256).run(qobj, SIMULATOR, None, "d" * 24)
    assert [e["header"]["name"] for e in parallel["results"]] == [f"ghz-{i}" for i in range(count)]
    assert [e["data"] for e in parallel["results"]] == [e["data"] for e in serial["results"]]
    assert all(set(e["data"]["counts"]) <= {"0x0", "0x7"} for e in parallel["results"])


def test_a_qubit_named_twice_is_rejected() -> None:
    qobj = circuit_qobj("twice", 2, [{"name": "cx", "qubits": [1, 1]}], shots=8)
    with pytest.raises(QobjConversionError, match="experiment 0: instruction cx names a qubit"):
        to_circuits(qobj)
