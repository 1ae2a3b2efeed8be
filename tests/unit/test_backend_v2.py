"""On qiskit >= 1, ``IBMQBackend`` is a ``BackendV2`` whose ``Target`` comes from the device
documents, so ``transpile(circuit, backend)`` works; the device and Qobj objects keep the
attributes of qiskit 0.46's; pulse is refused with a clear error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.providers import JobV1

from ibmqjob import _qiskit
from ibmqjob._api.records import JobRecord
from ibmqjob._qobj import encode_circuits
from ibmqjob._qobjdecode import decode_circuits
from ibmqjob.backend import IBMQBackend
from ibmqjob.exceptions import IBMQBackendValueError, IBMQPulseNotAvailableError
from ibmqjob.settings import TimeSource
from ibmqjob.simulator import IBMQSimulator

pytestmark = pytest.mark.skipif(
    _qiskit.LEGACY, reason="qiskit 0.46 keeps BackendV1 and its own device classes"
)

CREATED = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
DATE = "2024-05-01T10:00:00Z"
LINE = [[0, 1], [1, 0], [1, 2], [2, 1], [2, 3], [3, 2], [3, 4], [4, 3]]


def _nduv(name: str, value: float, unit: str) -> dict[str, Any]:
    return {"date": DATE, "name": name, "unit": unit, "value": value}


def device_configuration() -> dict[str, Any]:
    """A five-qubit line device with pulse, in the shape of ibmq_manila's document."""
    return {
        "backend_name": "line5",
        "backend_version": "1.0.0",
        "n_qubits": 5,
        "basis_gates": ["id", "rz", "sx", "x", "cx", "reset"],
        "gates": [
            {"name": "cx", "parameters": [], "qasm_def": "", "coupling_map": LINE},
            {
                "name": "sx",
                "parameters": [],
                "qasm_def": "",
                "coupling_map": [[q] for q in range(5)],
            },
        ],
        "local": False,
        "simulator": False,
        "conditional": False,
        "open_pulse": True,
        "memory": True,
        "max_shots": 20000,
        "max_experiments": 75,
        "coupling_map": LINE,
        "dynamic_reprate_enabled": True,
        "default_rep_delay": 250.0,
        "rep_delay_range": [0.0, 500.0],
        "n_uchannels": 8,
        "u_channel_lo": [],
        "meas_levels": [1, 2],
        "qubit_lo_range": [[4.5, 5.5]] * 5,
        "meas_lo_range": [[6.5, 7.5]] * 5,
        "dt": 0.2222222222222222,
        "dtm": 0.2222222222222222,
        "rep_times": [1000.0],
    }


def device_properties() -> dict[str, Any]:
    qubits = [
        [
            _nduv("T1", 100.0 + q, "us"),
            _nduv("T2", 50.0, "us"),
            _nduv("frequency", 5.0, "GHz"),
            _nduv("readout_error", 0.02 + q / 100, ""),
            _nduv("readout_length", 5352.0, "ns"),
        ]
        for q in range(5)
    ]
    gates = [
        {
            "gate": name,
            "qubits": [q],
            "parameters": [_nduv("gate_error", 3e-4, ""), _nduv("gate_length", 35.5, "ns")],
        }
        for name in ("sx", "x", "id")
        for q in range(5)
    ] + [
        {
            "gate": "cx",
            "qubits": pair,
            "parameters": [
                _nduv("gate_error", 0.01 * (1 + pair[0]), ""),
                _nduv("gate_length", 300.0, "ns"),
            ],
        }
        for pair in LINE
    ]
    return {
        "backend_name": "line5",
        "backend_version": "1.0.0",
        "last_update_date": DATE,
        "qubits": qubits,
        "gates": gates,
        "general": [],
    }


def defaults_document() -> dict[str, Any]:
    return {
        "qubit_freq_est": [5.0, 5.1, 5.2, 5.3, 5.4],
        "meas_freq_est": [7.0] * 5,
        "buffer": 0,
        "pulse_library": [{"name": "p", "samples": [[0.1, 0.0], [0.2, 0.5]]}],
        "cmd_def": [{"name": "x", "qubits": [0], "sequence": [{"name": "p", "ch": "d0", "t0": 0}]}],
    }


SIMULATOR = {
    "backend_name": "ibmq_qasm_simulator",
    "backend_version": "0.1.547",
    "n_qubits": 32,
    "basis_gates": ["u1", "u2", "u3", "cx", "id", "x", "h", "rz", "sx", "unitary", "save_state"],
    "gates": [{"name": "cx", "parameters": [], "qasm_def": "gate cx q1,q2 { CX q1,q2; }"}],
    "local": False,
    "simulator": True,
    "conditional": True,
    "open_pulse": False,
    "memory": True,
    "max_shots": 100000,
    "coupling_map": None,
}


@dataclass
class DeviceApi:
    """Answers the backend's calls about the device and records submissions."""

    submitted: list[dict[str, Any]] = field(default_factory=list)
    time: TimeSource = field(default_factory=TimeSource)

    def backend_properties(self, name: str, before: dt.datetime | None) -> dict[str, Any]:
        return device_properties()

    def backend_defaults(self, name: str) -> dict[str, Any]:
        return defaults_document()

    def job_submit(self, backend_name: str, qobj: dict[str, Any], **kwargs: Any) -> JobRecord:
        self.submitted.append(qobj)
        return JobRecord("b" * 24, CREATED, "VALIDATING", backend_name=backend_name)


def _device(api: DeviceApi | None = None) -> IBMQBackend:
    configuration = _qiskit.configuration_from_dict(device_configuration())
    return IBMQBackend(configuration, None, api or DeviceApi())  # type: ignore[arg-type]


def _simulator() -> IBMQBackend:
    configuration = _qiskit.configuration_from_dict(SIMULATOR)
    return IBMQSimulator(configuration, None, DeviceApi())  # type: ignore[arg-type]


def _ghz(n: int) -> QuantumCircuit:
    circuit = QuantumCircuit(n, n, name="ghz")
    circuit.h(0)
    for q in range(n - 1):
        circuit.cx(0, q + 1)
    circuit.measure(range(n), range(n))
    return circuit


def test_the_backend_is_a_backend_v2_with_the_original_accessors() -> None:
    from qiskit.providers import BackendV2

    backend = _device()
    assert isinstance(backend, BackendV2)
    assert backend.name == "line5" and backend.name() == "line5"
    assert backend.backend_version == "1.0.0"
    assert backend.max_circuits == 75
    configuration = backend.configuration()
    assert (configuration.n_qubits, configuration.num_qubits) == (5, 5)
    assert configuration.dt == pytest.approx(0.2222222222222222e-9)
    assert configuration.qubit_lo_range[0] == pytest.approx([4.5e9, 5.5e9])
    assert configuration.to_dict()["dt"] == pytest.approx(0.2222222222222222)


def test_the_target_comes_from_the_configuration_and_the_properties() -> None:
    target = _device().target
    assert target.num_qubits == 5
    assert set(target["cx"]) == {tuple(pair) for pair in LINE}
    assert target["cx"][(2, 3)].error == pytest.approx(0.03)
    assert target["cx"][(2, 3)].duration == pytest.approx(300e-9)
    assert target["sx"][(4,)].duration == pytest.approx(35.5e-9)
    assert target["measure"][(1,)].error == pytest.approx(0.03)
    assert target.dt == pytest.approx(0.2222222222222222e-9)
    assert {"rz", "sx", "x", "cx", "reset", "measure", "delay"} <= set(target.operation_names)


def test_transpile_maps_a_circuit_onto_the_device() -> None:
    backend = _device()
    compiled = transpile(_ghz(4), backend, seed_transpiler=7, optimization_level=1)
    assert set(compiled.count_ops()) <= {"rz", "sx", "x", "cx", "measure", "barrier"}
    for item in compiled.data:
        if item.operation.name == "cx":
            pair = [compiled.find_bit(q).index for q in item.qubits]
            assert pair in LINE


def test_the_simulator_takes_any_qubits_and_its_standard_gates() -> None:
    backend = _simulator()
    target = backend.target
    assert target.num_qubits == 32
    assert "unitary" not in target.operation_names and "if_else" in target.operation_names
    compiled = transpile(_ghz(3), backend, seed_transpiler=1)
    assert compiled.count_ops()["cx"] == 2
    assert backend.properties() is None


def test_properties_have_the_accessors_of_qiskit_0_46() -> None:
    properties = _device().properties()
    assert properties is not None
    assert properties.t1(2) == pytest.approx(102e-6)
    assert properties.frequency(0) == pytest.approx(5e9)
    assert properties.gate_error("cx", [1, 2]) == pytest.approx(0.02)
    assert properties.gate_length("cx", (1, 2)) == pytest.approx(300e-9)
    assert properties.readout_error(0) == pytest.approx(0.02)
    assert properties.last_update_date.tzinfo is not None
    assert properties.to_dict()["gates"][0]["parameters"][0]["name"] == "gate_error"


def test_defaults_are_data_and_pulse_is_refused_clearly() -> None:
    backend = _device()
    defaults = backend.defaults()
    assert defaults.qubit_freq_est[1] == pytest.approx(5.1e9)
    assert defaults.pulse_library[0].samples[1] == complex(0.2, 0.5)
    with pytest.raises(IBMQPulseNotAvailableError, match=r"not available on qiskit >= 2"):
        _ = defaults.instruction_schedule_map
    with pytest.raises(IBMQPulseNotAvailableError, match="pulse"):
        backend.configuration().drive(0)
    assert issubclass(IBMQPulseNotAvailableError, IBMQBackendValueError)


def test_schedule_los_asks_for_pulse_and_is_refused_before_any_request() -> None:
    api = DeviceApi()
    with pytest.raises(IBMQPulseNotAvailableError, match="schedule_los"):
        _device(api).run(_ghz(2), schedule_los=[{"d0": 5e9}])
    assert api.submitted == []


def test_run_submits_the_encoded_qobj_and_the_job_keeps_its_attributes() -> None:
    api = DeviceApi()
    circuit = transpile(_ghz(2), _device(api), seed_transpiler=3)
    job = _device(api).run(circuit, shots=100, rep_delay=0.0001)
    (qobj,) = api.submitted
    assert qobj["type"] == "QASM" and qobj["config"]["shots"] == 100
    assert qobj["config"]["rep_delay"] == pytest.approx(100.0)
    assert qobj["header"] == {"backend_name": "line5", "backend_version": "1.0.0"}
    assert isinstance(job, JobV1)
    local = job.qobj()
    assert isinstance(local, _qiskit.QasmQobj)
    assert local.config.shots == 100 and local.experiments[0].header.name == "ghz"
    assert local.to_dict() == qobj
    (rebuilt,) = job.circuits()
    assert rebuilt.count_ops() == circuit.count_ops()
    assert job.backend_options()["shots"] == 100


def test_an_if_test_is_written_as_a_qobj_conditional_and_read_back() -> None:
    circuit = QuantumCircuit(2, 2, name="feedback")
    circuit.h(0)
    circuit.measure(0, 0)
    with circuit.if_test((circuit.clbits[0], 1)):
        circuit.x(1)
    circuit.measure(1, 1)
    configuration = _qiskit.configuration_from_dict(SIMULATOR)

    qobj = encode_circuits([circuit], configuration, {"qobj_id": "x"})

    names = [i["name"] for i in qobj["experiments"][0]["instructions"]]
    assert names == ["h", "measure", "bfunc", "x", "measure"]
    bfunc, gated = qobj["experiments"][0]["instructions"][2:4]
    assert (bfunc["mask"], bfunc["val"], bfunc["register"]) == ("0x1", "0x1", 2)
    assert gated["conditional"] == 2
    (rebuilt,) = decode_circuits(qobj)
    assert rebuilt.count_ops()["if_else"] == 1
    assert encode_circuits([rebuilt], configuration, {"qobj_id": "x"}) == qobj


def test_an_if_else_cannot_be_a_qobj_conditional() -> None:
    circuit = QuantumCircuit(1, 1)
    circuit.measure(0, 0)
    with circuit.if_test((circuit.clbits[0], 1)) as otherwise:
        circuit.x(0)
    with otherwise:
        circuit.h(0)
    with pytest.raises(IBMQBackendValueError, match="without else"):
        _simulator().run(circuit)


def test_the_circuits_of_a_pulse_qobj_are_refused_clearly() -> None:
    qobj = _qiskit.qobj_from_dict(
        {
            "qobj_id": "p",
            "type": "PULSE",
            "schema_version": "1.2.0",
            "config": {},
            "experiments": [],
        }
    )
    assert isinstance(qobj, _qiskit.PulseQobj)
    with pytest.raises(IBMQPulseNotAvailableError, match="Pulse schedules: pulse is not available"):
        _qiskit.circuits_of_qobj(qobj)


def test_gates_without_calibration_have_no_properties_in_the_target() -> None:
    @dataclass
    class PartialApi(DeviceApi):
        def backend_properties(self, name: str, before: dt.datetime | None) -> dict[str, Any]:
            document = device_properties()
            document["gates"] = [g for g in document["gates"] if g["gate"] != "x"]
            return document

    target = _device(PartialApi()).target

    assert target["x"][(3,)] is None
    assert target["sx"][(3,)] is not None


def test_a_retired_backend_is_a_backend_v2_too() -> None:
    from ibmqjob.backend import IBMQRetiredBackend

    backend = IBMQRetiredBackend.from_name("old", None, DeviceApi())  # type: ignore[arg-type]

    assert backend.name == "old" and backend.target.num_qubits == 1
    assert backend.status().operational is False
