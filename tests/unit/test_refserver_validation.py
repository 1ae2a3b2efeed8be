"""Validation of Qobjs against the served backends, without a server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import U1Gate, U2Gate, U3Gate
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel, depolarizing_error

from refserver.devices import Device, DeviceCatalog
from refserver.simulation import Simulation
from refserver.testing import bell_qobj, circuit_qobj, qobj_json
from refserver.validation import QobjRejected, check_upload, validate_qobj

CATALOG = DeviceCatalog()


def _device(name: str) -> Device:
    device = CATALOG.get(name)
    if device is None:
        raise LookupError(f"the reference server serves no backend {name!r}")
    return device


SIMULATOR = _device("ibmq_qasm_simulator")
LIMA = _device("ibmq_lima")


def _data(qobj: dict[str, Any]) -> bytes:
    return json.dumps(qobj).encode()


def _code(qobj: dict[str, Any], device: Any = SIMULATOR) -> int:
    with pytest.raises(QobjRejected) as rejected:
        validate_qobj(_data(qobj), device)
    assert rejected.value.message and "Error code" not in rejected.value.message
    return rejected.value.code


def test_bell_is_accepted_with_its_summary() -> None:
    accepted = validate_qobj(_data(bell_qobj(shots=321)), SIMULATOR)
    assert accepted.shots == 321
    summary = accepted.summary
    assert summary["qobj_config"] == {
        "n_qubits": 2,
        "memory_slots": 2,
        "shots": 321,
        "type": "QASM",
    }
    assert summary["num_circuits"] == 1 and summary["max_qubits_used"] == 2


def test_device_only_refusals() -> None:
    # What qiskit 0.46's assemble writes for x(0).c_if(c, 1) between two measurements.
    conditional = circuit_qobj(
        "conditional",
        1,
        [
            {"name": "measure", "qubits": [0], "register": [0], "memory": [0]},
            {"name": "bfunc", "register": 1, "mask": "0x1", "relation": "==", "val": "0x1"},
            {"name": "x", "qubits": [0], "conditional": 1},
            {"name": "measure", "qubits": [0], "register": [0], "memory": [0]},
        ],
    )
    assert _code(conditional, LIMA) == 1002
    validate_qobj(_data(conditional), SIMULATOR)
    noisy = bell_qobj()
    noisy["config"]["noise_model"] = {"errors": []}
    assert _code(noisy, LIMA) == 1002
    level_one = bell_qobj()
    level_one["config"]["meas_level"] = 1
    assert _code(level_one, SIMULATOR) == 1002
    unknown_method = bell_qobj()
    unknown_method["config"]["method"] = "quantum_magic"
    assert _code(unknown_method) == 1002


def test_structural_refusals() -> None:
    beyond_memory = bell_qobj()
    beyond_memory["experiments"][0]["instructions"][-1]["memory"] = [7]
    assert _code(beyond_memory) == 1101
    bad_memory = bell_qobj()
    bad_memory["experiments"][0]["instructions"][-1]["memory"] = ["a"]
    assert _code(bad_memory) == 1101
    assert _code({"qobj_id": "x"}) == 1101
    with pytest.raises(ValueError, match="JSON"):
        check_upload(b"{")
    with pytest.raises(ValueError, match="QASM or PULSE"):
        check_upload(json.dumps({**bell_qobj(), "type": "OTHER"}).encode())


def test_headerless_experiments_are_completed_and_run() -> None:
    qobj = bell_qobj(shots=50)
    del qobj["experiments"][0]["header"]
    accepted = validate_qobj(_data(qobj), SIMULATOR)
    result = Simulation(256).run(accepted.qobj, SIMULATOR, None, "f" * 24)
    assert result["success"] and sum(result["results"][0]["data"]["counts"].values()) == 50


def test_user_noise_model_on_the_simulator() -> None:
    flip = [{"name": "x", "qubits": [0]}, {"name": "measure", "qubits": [0], "memory": [0]}]
    qobj = circuit_qobj("flip", 1, flip, shots=2000, seed=11)
    clean = Simulation(256).run(
        validate_qobj(_data(qobj), SIMULATOR).qobj, SIMULATOR, None, "e" * 24
    )
    assert clean["results"][0]["data"]["counts"] == {"0x1": 2000}
    model = NoiseModel()
    model.add_all_qubit_quantum_error(depolarizing_error(0.5, 1), ["x"])
    qobj["config"]["noise_model"] = qobj_json(model.to_dict(serializable=True))
    noisy = Simulation(256).run(
        validate_qobj(_data(qobj), SIMULATOR).qobj, SIMULATOR, None, "e" * 24
    )
    counts = noisy["results"][0]["data"]["counts"]
    assert noisy["success"] and counts.get("0x0", 0) > 100


def test_gate_parameters_survive_the_trip_through_json() -> None:
    # u2 and u3 come with two and three real parameters: neither may turn complex;
    # initialize's amplitudes are [re, im] pairs and must.
    instructions: list[dict[str, Any]] = [
        {"name": "u2", "params": [0.0, 3.141592653589793], "qubits": [0]},
        {"name": "u3", "params": [0.3, -1.5707963267948966, 1.5707963267948966], "qubits": [1]},
        {"name": "r", "params": [0.7, 0.2], "qubits": [2]},
        {"name": "u1", "params": [0.4], "qubits": [2]},
        {"name": "initialize", "params": [[0.6, 0.0], [0.0, 0.8]], "qubits": [1]},
        {"name": "cx", "qubits": [0, 2]},
        *({"name": "measure", "qubits": [i], "memory": [i]} for i in range(3)),
    ]
    qobj = circuit_qobj("params", 3, instructions, shots=4000, seed=5)
    result = Simulation(256).run(
        validate_qobj(_data(qobj), SIMULATOR).qobj, SIMULATOR, None, "d" * 24
    )
    served = {int(k, 16): v for k, v in result["results"][0]["data"]["counts"].items()}
    circuit = QuantumCircuit(3, 3, name="params")
    circuit.append(U2Gate(0.0, 3.141592653589793), [0])
    circuit.append(U3Gate(0.3, -1.5707963267948966, 1.5707963267948966), [1])
    circuit.r(0.7, 0.2, 2)
    circuit.append(U1Gate(0.4), [2])
    circuit.initialize([0.6, 0.8j], 1)
    circuit.cx(0, 2)
    circuit.measure([0, 1, 2], [0, 1, 2])
    direct = AerSimulator().run(circuit, shots=4000, seed_simulator=5).result().get_counts()
    assert served == {int(k, 2): v for k, v in direct.items()}
    assert len(served) > 2


def test_invalid_noise_model_is_refused() -> None:
    qobj = bell_qobj()
    qobj["config"]["noise_model"] = {"errors": [{"type": "qerror", "probabilities": "x"}]}
    assert _code(qobj) == 1101
