"""``IBMQBackend`` with a recording fake API: input validation, submission, device data."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any

import pytest
from qiskit import QuantumCircuit

from ibmqjob import _qiskit
from ibmqjob._api.records import ErrorRecord, JobRecord, JobsLimitRecord, QueueStatusRecord
from ibmqjob._decode import decode_qobj
from ibmqjob._qobj import encode_circuits
from ibmqjob.backend import IBMQBackend, IBMQRetiredBackend
from ibmqjob.backendjoblimit import BackendJobLimit
from ibmqjob.exceptions import (
    ApiIBMQProtocolError,
    IBMQBackendApiError,
    IBMQBackendApiProtocolError,
    IBMQBackendError,
    IBMQBackendJobLimitError,
    IBMQBackendValueError,
    RequestsApiError,
)
from ibmqjob.settings import TimeSource

CREATED = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


@dataclass
class RecordingApi:
    """Answers the backend's calls with fixed records and records them."""

    submitted: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    submit_error: Exception | None = None
    job_error: ErrorRecord | None = None
    properties: dict[str, Any] | None = None
    seen_before: list[dt.datetime | None] = field(default_factory=list)
    time: TimeSource = field(default_factory=TimeSource)

    def job_submit(self, backend_name: str, qobj: dict[str, Any], **kwargs: Any) -> JobRecord:
        if self.submit_error is not None:
            raise self.submit_error
        self.submitted.append((backend_name, qobj, kwargs))
        return JobRecord(
            "a" * 24, CREATED, "VALIDATING", backend_name=backend_name, error=self.job_error
        )

    def backend_status(self, name: str) -> QueueStatusRecord:
        return QueueStatusRecord(True, "active", 3, None)

    def backend_job_limit(self, name: str) -> JobsLimitRecord:
        return JobsLimitRecord(5, 2)

    def backend_properties(self, name: str, before: dt.datetime | None) -> dict[str, Any] | None:
        self.seen_before.append(before)
        return self.properties


def _configuration(simulator: bool = True, max_shots: int = 8192, **extra: Any) -> Any:
    return _qiskit.configuration_from_dict(
        {
            **extra,
            "backend_name": "sim",
            "backend_version": "1.0.0",
            "n_qubits": 5,
            "basis_gates": ["u1", "u2", "u3", "cx", "id", "h"],
            "gates": [{"name": "cx", "parameters": [], "qasm_def": "gate cx q1,q2 { CX q1,q2; }"}],
            "local": False,
            "simulator": simulator,
            "conditional": False,
            "open_pulse": False,
            "memory": True,
            "max_shots": max_shots,
            "max_experiments": 300,
            "coupling_map": None,
        }
    )


def _backend(api: RecordingApi, **config: Any) -> IBMQBackend:
    return IBMQBackend(_configuration(**config), provider=None, api=api)  # type: ignore[arg-type]


def _bell() -> QuantumCircuit:
    qc = QuantumCircuit(2, 2, name="bell")
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    return qc


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"job_tags": "tag"}, "job_tags needs to be a list or strings."),
        ({"job_tags": ["ok", 3]}, "job_tags needs to be a list or strings."),
        ({"job_name": 12}, "job_name needs to be a string"),
        ({"experiment_id": ["x"]}, "experiment_id needs to be a string"),
        ({"shots": 0}, "shots needs to be a positive integer"),
        ({"shots": 2.5}, "shots needs to be a positive integer"),
        ({"shots": 10**6}, "exceeds max_shots"),
        ({"dynamic": True}, "Dynamic circuits are not supported"),
        ({"use_measure_esp": True}, "ESP readout not supported on this device"),
    ],
)
def test_bad_input_is_rejected_before_any_request(kwargs: dict[str, Any], message: str) -> None:
    api = RecordingApi()

    with pytest.raises(IBMQBackendValueError, match=message):
        _backend(api).run(_bell(), **kwargs)

    assert api.submitted == []


def test_a_delay_in_seconds_is_refused() -> None:
    circuit = _bell()
    circuit.delay(10, 0, unit="us")
    api = RecordingApi()

    with pytest.raises(IBMQBackendValueError, match=r"delay of 10\.?0? us: .*transpile"):
        _backend(api).run(circuit)
    assert api.submitted == []


@pytest.mark.parametrize("circuits", [[], "OPENQASM 2.0;", [_bell(), 3]])
def test_experiments_of_the_wrong_type_are_rejected(circuits: Any) -> None:
    with pytest.raises(IBMQBackendValueError, match="circuits needs to be a QuantumCircuit"):
        _backend(RecordingApi()).run(circuits)


def test_run_submits_the_assembled_qobj_with_the_job_metadata() -> None:
    api = RecordingApi()

    job = _backend(api).run(
        _bell(), job_name="n", job_tags=["t"], experiment_id="e", shots=100, seed_simulator=4
    )

    ((name, qobj, kwargs),) = api.submitted
    assert name == "sim"
    assert qobj["config"]["shots"] == 100
    assert qobj["config"]["seed_simulator"] == 4
    assert qobj["experiments"][0]["header"]["name"] == "bell"
    assert kwargs == {"name": "n", "tags": ["t"], "experiment_id": "e", "live_data_enabled": None}
    assert job.job_id() == "a" * 24
    sent = job.qobj()
    assert sent is not None and sent.to_dict() == qobj


def test_the_submitted_qobj_is_decoded_once_and_only_when_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoded: list[Any] = []

    def counting(document: Any) -> Any:
        decoded.append(document)
        return decode_qobj(document)

    monkeypatch.setattr("ibmqjob.job.decode_qobj", counting)
    api = RecordingApi()

    job = _backend(api).run(_bell(), shots=100)
    assert decoded == []

    ((_, qobj, _),) = api.submitted
    assert job.to_dict()["qobj"] == qobj
    assert job.qobj() is job.qobj()
    assert [circuit.name for circuit in job.circuits()] == ["bell"]
    assert len(decoded) == 1


def test_the_default_shots_are_the_original_clients() -> None:
    api = RecordingApi()
    _backend(api).run(_bell())
    assert api.submitted[0][1]["config"]["shots"] == 4000


@pytest.mark.parametrize(
    ("esp_enabled", "given", "sent"),
    [(None, None, False), (False, None, False), (True, None, True), (True, False, False)],
)
def test_use_measure_esp_is_sent_and_defaults_to_the_backends_flag(
    esp_enabled: bool | None, given: bool | None, sent: bool
) -> None:
    api = RecordingApi()
    config: dict[str, Any] = {} if esp_enabled is None else {"measure_esp_enabled": esp_enabled}
    _backend(api, **config).run(_bell(), use_measure_esp=given)
    assert api.submitted[0][1]["config"]["use_measure_esp"] is sent


def test_a_qobj_is_accepted_with_a_deprecation_warning() -> None:
    api = RecordingApi()
    # Beyond max_shots: the server will judge.
    qobj = _qiskit.qobj_from_dict(encode_circuits([_bell()], object(), {"shots": 10**6}))

    with pytest.warns(DeprecationWarning, match="Qobj"):
        _backend(api).run(qobj)

    assert api.submitted[0][1]["config"]["shots"] == 10**6


def test_unknown_options_warn_on_devices_only() -> None:
    with pytest.warns(UserWarning, match="not a recognized runtime option"):
        _backend(RecordingApi(), simulator=False).run(_bell(), foo=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        _backend(RecordingApi()).run(_bell(), foo=1)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RequestsApiError("400 ... Error code: 3458.", 400, code=3458), IBMQBackendJobLimitError),
        (RequestsApiError("400 ...", 400, code="3458"), IBMQBackendJobLimitError),
        (RequestsApiError("500 ...", 500), IBMQBackendApiError),
        (ApiIBMQProtocolError("bad body"), IBMQBackendApiProtocolError),
    ],
)
def test_submission_errors(error: Exception, expected: type[Exception]) -> None:
    api = RecordingApi(submit_error=error)

    with pytest.raises(expected, match="Error submitting job: "):
        _backend(api).run(_bell())


def test_job_limit_error_is_not_an_api_error() -> None:
    assert not issubclass(IBMQBackendJobLimitError, IBMQBackendApiError)


def test_a_job_document_with_an_error_is_a_backend_error() -> None:
    api = RecordingApi(job_error=ErrorRecord("Qobj rejected", 1234))

    with pytest.raises(IBMQBackendError, match="Error submitting job: Qobj rejected"):
        _backend(api).run(_bell())


def test_status_and_job_limit() -> None:
    backend = _backend(RecordingApi())

    status = backend.status()
    assert (status.operational, status.pending_jobs, status.status_msg) == (True, 3, "active")
    assert status.backend_version == "0.0.0"
    limit = backend.job_limit()
    assert (limit.maximum_jobs, limit.active_jobs) == (5, 2)
    assert backend.remaining_jobs_count() == 3
    assert BackendJobLimit(-1, 2).maximum_jobs is None


def test_properties_are_cached_unless_refreshed_or_dated() -> None:
    api = RecordingApi(properties=None)
    backend = _backend(api)

    assert backend.properties() is None
    assert backend.properties(refresh=True) is None
    when = dt.datetime(2024, 1, 1, 10, 0)
    backend.properties(datetime=when)

    assert api.seen_before[:2] == [None, None]
    assert api.seen_before[2] == when.astimezone()
    with pytest.raises(TypeError, match="refresh"):
        backend.properties(refresh="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="is not of type 'datetime'"):
        backend.properties(datetime="2024-01-01")  # type: ignore[arg-type]


def test_invalid_properties_are_a_protocol_error() -> None:
    api = RecordingApi(properties={"backend_name": "sim", "qubits": "many"})

    with pytest.raises(IBMQBackendApiProtocolError, match="invalid backend properties"):
        _backend(api).properties()


def test_a_retired_backend_refuses_to_run() -> None:
    backend = IBMQRetiredBackend.from_name("old", None, RecordingApi())  # type: ignore[arg-type]

    with pytest.raises(IBMQBackendError, match=r"This backend \(old\) is no longer available."):
        backend.run(_bell())
    assert backend.status().operational is False
    assert backend.properties() is None


@pytest.mark.skipif(not _qiskit.LEGACY, reason="qiskit >= 2 has no pulse module")
def test_a_schedule_is_assembled_by_qiskit_where_pulse_exists() -> None:
    from qiskit import pulse
    from qiskit.providers.fake_provider import FakeManila

    manila = FakeManila()

    @dataclass
    class PulseApi(RecordingApi):
        def backend_defaults(self, name: str) -> dict[str, Any]:
            defaults: dict[str, Any] = manila.defaults().to_dict()
            return defaults

    with pulse.build(name="play") as schedule:
        pulse.play(pulse.Constant(160, 0.1), pulse.DriveChannel(0))
        pulse.acquire(160, pulse.AcquireChannel(0), pulse.MemorySlot(0))
    api = PulseApi()
    configuration = _qiskit.configuration_from_dict(manila.configuration().to_dict())
    backend = IBMQBackend(configuration, provider=None, api=api)  # type: ignore[arg-type]

    job = backend.run(schedule, shots=10)

    ((_, qobj, _),) = api.submitted
    assert qobj["type"] == "PULSE" and qobj["config"]["shots"] == 10
    assert isinstance(job.qobj(), _qiskit.PulseQobj)
