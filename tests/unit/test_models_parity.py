"""ibmqjob's device and Qobj classes (used where qiskit removed its own) against qiskit 0.46's:
for the same documents, the same attributes, units, accessor values and dicts."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from qiskit import QuantumCircuit

from ibmqjob import _models, _qiskit
from ibmqjob._decode import decode_properties
from ibmqjob._qobj import encode_circuits

pytestmark = pytest.mark.skipif(
    not _qiskit.LEGACY, reason="qiskit's own classes, the reference, exist on qiskit 0.46 only"
)


def _manila() -> Any:
    from qiskit.providers.fake_provider import FakeManila

    return FakeManila()


def _json(document: dict[str, Any]) -> dict[str, Any]:
    def default(value: Any) -> Any:
        if isinstance(value, complex):
            return [value.real, value.imag]
        if isinstance(value, dt.datetime):
            return value.isoformat()
        return str(value)

    loaded: dict[str, Any] = json.loads(json.dumps(document, default=default))
    return loaded


def test_the_configuration_has_qiskits_attributes_and_units() -> None:
    from qiskit.providers.models import PulseBackendConfiguration

    document = _json(_manila().configuration().to_dict())
    document.pop("u_channel_lo")  # complex scales: decoded by the provider before this point
    document["u_channel_lo"] = []
    theirs = PulseBackendConfiguration.from_dict(document)
    ours = _models.configuration_from_dict(document)

    assert isinstance(ours, _models.PulseBackendConfiguration)
    assert set(vars(theirs)) - {"_data", "channels", "hamiltonian"} <= set(vars(ours)) | {
        "_qubit_channel_map",
        "_channel_qubit_map",
        "_control_channels",
    }
    for name in ("dt", "dtm", "rep_times", "rep_delay_range", "default_rep_delay"):
        assert getattr(ours, name) == pytest.approx(getattr(theirs, name)), name
    for name in ("qubit_lo_range", "meas_lo_range"):
        assert getattr(ours, name) == [pytest.approx(pair) for pair in getattr(theirs, name)]
    assert ours.num_qubits == theirs.num_qubits == 5
    assert [g.name for g in ours.gates] == [g.name for g in theirs.gates]
    assert ours.to_dict()["dt"] == pytest.approx(theirs.to_dict()["dt"])


def test_the_properties_answer_as_qiskits() -> None:
    from qiskit.providers.models import BackendProperties

    document = _json(_manila().properties().to_dict())
    theirs = decode_properties(document)
    assert isinstance(theirs, BackendProperties)
    ours = _models.BackendProperties.from_dict(
        {**theirs.to_dict(), "last_update_date": theirs.last_update_date}
    )

    for qubit in range(5):
        for name in ("t1", "t2", "frequency", "readout_error", "readout_length"):
            assert getattr(ours, name)(qubit) == pytest.approx(getattr(theirs, name)(qubit))
        assert ours.is_qubit_operational(qubit) == theirs.is_qubit_operational(qubit)
    for gate in theirs.gates:
        if "gate_error" not in {p.name for p in gate.parameters}:
            continue
        assert ours.gate_error(gate.gate, gate.qubits) == pytest.approx(
            theirs.gate_error(gate.gate, gate.qubits)
        )
        assert ours.gate_length(gate.gate, gate.qubits) == pytest.approx(
            theirs.gate_length(gate.gate, gate.qubits)
        )
    (value, date), (their_value, their_date) = (
        ours.qubit_property(0, "T1"),
        theirs.qubit_property(0, "T1"),
    )
    assert (value, date) == (pytest.approx(their_value), their_date)
    assert ours.last_update_date == theirs.last_update_date
    assert ours.to_dict() == {**theirs.to_dict(), "last_update_date": theirs.last_update_date}


def test_the_pulse_defaults_have_qiskits_frequencies() -> None:
    from qiskit.providers.models import PulseDefaults

    document = _manila().defaults().to_dict()
    theirs = PulseDefaults.from_dict(document)
    ours = _models.PulseDefaults.from_dict(document)

    assert ours.qubit_freq_est == pytest.approx(theirs.qubit_freq_est)
    assert ours.meas_freq_est == pytest.approx(theirs.meas_freq_est)
    assert [p.name for p in ours.pulse_library] == [p.name for p in theirs.pulse_library]
    assert ours.to_dict()["qubit_freq_est"] == pytest.approx(document["qubit_freq_est"])


def test_the_qobj_reads_as_qiskits() -> None:
    from qiskit.qobj import QasmQobj

    circuit = QuantumCircuit(2, 2, name="bell")
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    document = dict(encode_circuits([circuit], object(), {"shots": 10, "qobj_header": {"a": 1}}))
    theirs = QasmQobj.from_dict(copy.deepcopy(document))  # qiskit's pops what it reads
    ours = _models.qobj_from_dict(document)

    assert (ours.qobj_id, ours.type, ours.config.shots) == (
        theirs.qobj_id,
        theirs.type,
        theirs.config.shots,
    )
    assert ours.header.a == theirs.header.a == 1
    (experiment,) = ours.experiments
    assert experiment.header.name == theirs.experiments[0].header.name == "bell"
    assert [i.name for i in experiment.instructions] == [
        i.name for i in theirs.experiments[0].instructions
    ]
    assert experiment.instructions[1].qubits == theirs.experiments[0].instructions[1].qubits
    assert ours.to_dict() == theirs.to_dict() == document


def test_the_status_is_qiskits() -> None:
    from qiskit.providers.models import BackendStatus

    fields: dict[str, Any] = {
        "backend_name": "b",
        "backend_version": "1",
        "operational": True,
        "pending_jobs": 2,
        "status_msg": "active",
    }
    assert _models.BackendStatus(**fields).to_dict() == BackendStatus(**fields).to_dict()
