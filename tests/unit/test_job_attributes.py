"""IBMQJob attributes: name, tags, dates, properties, Qobj, serialisation, extra attributes."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from qiskit import QuantumCircuit
from qiskit.providers import JobStatus

from ibmqjob._qiskit import BackendProperties, PulseQobj, QasmQobj
from ibmqjob._qobj import encode_circuits
from ibmqjob.exceptions import IBMQJobApiError, IBMQJobInvalidStateError
from ibmqjob.job import IBMQJob
from tests.unit.fake_job_api import (
    CREATION,
    FakeClock,
    FakeJobApi,
    make_job,
    queue_info,
    result_document,
)


@pytest.fixture
def api() -> FakeJobApi:
    return FakeJobApi()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def bell_qobj() -> dict[str, Any]:
    circuit = QuantumCircuit(2, 2)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return dict(encode_circuits([circuit], object(), {"shots": 100}))


def pulse_qobj() -> dict[str, Any]:
    return {
        "qobj_id": "pulse-1",
        "type": "PULSE",
        "schema_version": "1.2.0",
        "header": {},
        "config": {
            "meas_level": 2,
            "meas_return": "avg",
            "pulse_library": [{"name": "gauss", "samples": [[0.1, 0.0], [0.2, 0.5]]}],
            "qubit_lo_freq": [5.0],
            "meas_lo_freq": [6.5],
            "memory_slot_size": 100,
            "shots": 10,
            "rep_time": 1000,
        },
        "experiments": [
            {
                "instructions": [
                    {"name": "gauss", "t0": 0, "ch": "d0"},
                    {"name": "setp", "t0": 0, "ch": "d0", "phase": 0.5},
                    {"name": "pv", "t0": 5, "ch": "d0", "val": [0.3, 0.1]},
                ],
                "header": {},
            }
        ],
    }


def properties_document() -> dict[str, Any]:
    nduv = {"date": "2024-05-01T10:00:00Z", "name": "T1", "unit": "us", "value": 71.5}
    return {
        "backend_name": "ibmq_qasm_simulator",
        "backend_version": "0.1.0",
        "last_update_date": "2024-05-01T10:00:00Z",
        "qubits": [[nduv]],
        "gates": [
            {
                "qubits": [0],
                "gate": "sx",
                "parameters": [{**nduv, "name": "gate_error", "unit": "", "value": 0.001}],
            }
        ],
        "general": [{**nduv, "name": "jq_01", "unit": "GHz", "value": 0.0}],
    }


# ------------------------------------------------------------------------- name


def test_update_name_checks_the_echo(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["QUEUED"]), clock)
    assert job.update_name("new name") == "new name" == job.name()
    assert job.update_name("") == ""  # an empty name is valid
    api.echo_name = "something else"
    with pytest.raises(IBMQJobApiError, match="The name was not updated"):
        job.update_name("third")
    assert job.name() == ""


def test_update_name_requires_a_string(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["QUEUED"]), clock)
    with pytest.raises(IBMQJobInvalidStateError, match="needs to be a string"):
        job.update_name(42)
    assert api.calls == []


# ------------------------------------------------------------------------- tags

JOBSET = "ibmq_jobset_0123abcd-1700000000_"


@pytest.mark.parametrize(
    ("replacement", "additional", "removal", "expected"),
    [
        (["x"], None, None, {"x", JOBSET}),
        ([], None, None, {JOBSET}),
        (None, ["c", "a"], None, {"a", "b", "c", JOBSET}),
        (None, None, ["a", JOBSET, "missing"], {"b", JOBSET}),
        (["x", "y"], ["z"], ["x"], {"y", "z", JOBSET}),
        (None, ["new"], ["new"], {"a", "b", JOBSET}),
        (["d", "d"], None, None, {"d", JOBSET}),
    ],
)
def test_update_tags_replace_add_remove(
    api: FakeJobApi,
    clock: FakeClock,
    replacement: list[str] | None,
    additional: list[str] | None,
    removal: list[str] | None,
    expected: set[str],
) -> None:
    job = make_job(api, api.add(["QUEUED"], tags=["a", "b", JOBSET]), clock)
    assert set(job.update_tags(replacement, additional, removal)) == expected
    assert set(job.tags()) == expected
    sent = api.jobs[job.job_id()].tags
    assert len(sent) == len(set(sent)) and set(sent) == expected


def test_update_tags_warns_about_kept_and_missing_tags(
    api: FakeJobApi, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    job = make_job(api, api.add(["QUEUED"], tags=[JOBSET]), clock)
    with caplog.at_level(logging.WARNING):
        job.update_tags(removal_tags=[JOBSET, "absent"])
    assert "used internally" in caplog.text and "not found" in caplog.text


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"replacement_tags": "x"},
        {"additional_tags": [1]},
        {"removal_tags": ("a",)},
    ],
)
def test_update_tags_rejects_bad_input(
    api: FakeJobApi, clock: FakeClock, kwargs: dict[str, Any]
) -> None:
    job = make_job(api, api.add(["QUEUED"]), clock)
    with pytest.raises(IBMQJobInvalidStateError):
        job.update_tags(**kwargs)
    assert api.calls == []


def test_update_tags_checks_the_echo_as_a_set(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["QUEUED"], tags=["a"]), clock)
    api.echo_tags = ["a"]
    with pytest.raises(IBMQJobApiError, match="The tags were not updated"):
        job.update_tags(additional_tags=["b"])
    assert job.tags() == ["a"]


def test_tags_returns_a_copy(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["QUEUED"], tags=["a"]), clock)
    job.tags().append("b")
    assert job.tags() == ["a"]


# ------------------------------------------------------------------------- dates


def test_creation_date_and_time_per_step_in_local_time(
    api: FakeJobApi, clock: FakeClock, local_tz: None
) -> None:
    job = make_job(api, api.add(["RUNNING", "COMPLETED"]), clock)
    created = job.creation_date()
    assert created == CREATION
    assert created.utcoffset() == dt.timedelta(hours=-4)  # New York in May (EDT)
    steps = job.time_per_step()  # not final: refreshes
    assert api.count("job_get") == 1
    assert steps is not None and steps["CREATING"] == CREATION
    assert all(when.utcoffset() == created.utcoffset() for when in steps.values())


def test_time_per_step_of_final_job_is_cached(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["RUNNING", "COMPLETED"]), clock)
    job.status()
    job.status()
    api.calls.clear()
    assert job.time_per_step() is not None
    assert api.calls == []


def test_scheduling_mode(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["RUNNING", "COMPLETED"], run_mode="dedicated"), clock)
    assert job.scheduling_mode() == "dedicated"
    job = make_job(api, api.add(["RUNNING"]), clock)
    assert job.scheduling_mode() == "fairshare"
    job = make_job(api, api.add(["QUEUED"]), clock)
    assert job.scheduling_mode() is None


# ------------------------------------------------------------------------- properties, qobj


def test_properties_decoded_in_local_time(
    api: FakeJobApi, clock: FakeClock, local_tz: None
) -> None:
    job = make_job(api, api.add(["COMPLETED"], properties=properties_document()), clock)
    props = job.properties()
    assert isinstance(props, BackendProperties)
    assert props.last_update_date == dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    assert props.last_update_date.utcoffset() == dt.timedelta(hours=-4)
    assert props.t1(0) == pytest.approx(71.5e-6)
    assert make_job(api, api.add(["COMPLETED"]), clock).properties() is None


def test_properties_invalid_document(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["COMPLETED"], properties={"backend_name": "x"}), clock)
    with pytest.raises(IBMQJobApiError, match="Invalid backend properties"):
        job.properties()


def test_qobj_downloaded_lazily_once(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["COMPLETED"], qobj=bell_qobj()), clock)
    qobj = job.qobj()
    assert isinstance(qobj, QasmQobj) and qobj.config.shots == 100
    assert job.qobj() is qobj
    assert api.count("job_qobj") == 1


def test_qobj_of_inline_job_and_unknown_kind(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["COMPLETED"], kind="q-object", qobj=bell_qobj()), clock)
    assert api.count("job_qobj") == 0 and isinstance(job.qobj(), QasmQobj)
    job = make_job(api, api.add(["COMPLETED"], kind=None), clock)
    assert job.qobj() is None and api.calls == []


def test_pulse_qobj_with_complex_numbers(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["COMPLETED"], qobj=pulse_qobj()), clock)
    qobj = job.qobj()
    assert isinstance(qobj, PulseQobj)
    assert qobj.config.pulse_library[0].samples[1] == complex(0.2, 0.5)
    assert json.loads(json.dumps(job.to_dict()))["qobj"]["config"]["pulse_library"][0][
        "samples"
    ] == [[0.1, 0.0], [0.2, 0.5]]


def test_circuits_options_and_header_come_from_the_qobj(api: FakeJobApi, clock: FakeClock) -> None:
    qobj = bell_qobj()
    qobj["header"] = {"note": "kept"}
    job = make_job(api, api.add(["COMPLETED"], qobj=qobj), clock)
    (circuit,) = job.circuits()
    assert isinstance(circuit, QuantumCircuit)
    assert circuit.count_ops() == {"h": 1, "cx": 1, "measure": 2}
    assert job.backend_options()["shots"] == 100
    assert job.header() == {"note": "kept"}
    assert api.count("job_qobj") == 1


def test_circuits_options_and_header_of_a_job_without_qobj(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job = make_job(api, api.add(["COMPLETED"], kind=None), clock)
    assert (job.circuits(), job.backend_options(), job.header()) == ([], {}, {})


def test_local_qobj_is_never_downloaded(api: FakeJobApi, clock: FakeClock) -> None:
    local = QasmQobj.from_dict(bell_qobj())  # what backend.run() passes
    job = make_job(api, api.add(["QUEUED"], qobj=bell_qobj()), clock, qobj=local)
    assert job.qobj() is local and api.calls == []


# ------------------------------------------------------------------------- extras, submit


def test_unknown_attributes_are_kept_with_a_trailing_underscore(
    api: FakeJobApi, clock: FakeClock
) -> None:
    extra = {"summaryData": {"summary": {"qobj_config": {"n_qubits": 2}}}, "userId": "u1"}
    job = make_job(api, api.add(["QUEUED"], extra=extra), clock)
    assert job.summary_data_["summary"]["qobj_config"]["n_qubits"] == 2
    assert job.user_id_ == "u1"
    assert job.backend_info_ == {"name": "ibmq_qasm_simulator"}
    with pytest.raises(AttributeError, match="not defined"):
        _ = job.no_such_attribute_


def test_refresh_replaces_the_record(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["QUEUED", "RUNNING"], name="old", tags=["a"], extra={"userId": "u1"})
    job = make_job(api, job_id, clock)
    fake = api.jobs[job_id]
    fake.name, fake.tags, fake.extra = "new", ["b"], {"summaryData": {"n": 1}}
    fake.advance()
    job.refresh()
    assert (job.name(), job.tags()) == ("new", ["b"])
    assert job.summary_data_ == {"n": 1}
    with pytest.raises(AttributeError, match="user_id_ is not defined"):
        _ = job.user_id_  # the new document has no userId
    assert job.to_dict()["status"] == "RUNNING" and "user_id" not in job.to_dict()
    assert job.status() is JobStatus.RUNNING


def test_attribute_lookup_only_serves_trailing_underscore_names(
    api: FakeJobApi, clock: FakeClock
) -> None:
    job = make_job(api, api.add(["QUEUED"], extra={"userId": "u1"}), clock)
    with pytest.raises(AttributeError, match="user_i is not defined"):
        _ = job.user_i
    with pytest.raises(AttributeError):
        _ = job.__wrapped__


def test_submit_is_not_supported(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["QUEUED"]), clock)
    with pytest.raises(NotImplementedError, match=r"IBMQBackend.run\(\)"):
        job.submit()


def test_backend_and_client_version(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["QUEUED"]), clock)
    assert job.backend() == "backend"
    assert job.client_version == {"ibmqjob": "0.1.0"}
    detached = IBMQJob(None, None, "j", "2024-05-01T12:00:00Z", "QUEUED")
    with pytest.raises(IBMQJobInvalidStateError, match="not attached to a backend"):
        detached.backend()


def test_qiskit_client_info_is_zipped() -> None:
    job = IBMQJob(
        None,
        None,
        "j",
        "2024-05-01T12:00:00Z",
        "COMPLETED",
        client_info={"name": "qiskit-ibmq-provider,qiskit-terra", "version": "0.20.2,0.46.3"},
    )
    assert job.client_version == {"qiskit-ibmq-provider": "0.20.2", "qiskit-terra": "0.46.3"}


def test_constructor_accepts_legacy_snake_case_info_queue() -> None:
    info = {"position": 4, "estimated_start_time": "2024-05-01T12:10:00Z", "hub_priority": 0.5}
    job = IBMQJob(None, None, "j", "2024-05-01T12:00:00Z", "QUEUED", info_queue=info)
    assert job.queue_position() == 4
    queue_info = job._queue_info
    assert queue_info is not None
    assert queue_info.estimated_start_time == dt.datetime(2024, 5, 1, 12, 10, tzinfo=dt.UTC)


def test_constructor_rejects_a_bad_date() -> None:
    with pytest.raises(IBMQJobApiError, match="creation_date"):
        IBMQJob(None, None, "j", "yesterday", "QUEUED")


# ------------------------------------------------------------------------- to_dict / from_dict


def test_to_dict_is_json_and_from_dict_rebuilds_the_job(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(
        [("QUEUED", queue_info(2)), "RUNNING", "COMPLETED"],
        name="bell",
        tags=["t1"],
        qobj=bell_qobj(),
        extra={"summaryData": {"x": 1}},
    )
    api.jobs[job_id].result = result_document(job_id, [True])
    job = make_job(api, job_id, clock)
    data = json.loads(json.dumps(job.to_dict()))
    assert data["creation_date"] == "2024-05-01T12:00:00.123000Z"
    assert data["status"] == "QUEUED" and data["info_queue"]["position"] == 2
    copy = IBMQJob.from_dict(data)
    assert copy.job_id() == job_id and copy.name() == "bell" and copy.tags() == ["t1"]
    assert copy.creation_date() == job.creation_date()
    assert copy.queue_position() == 2 and copy.summary_data_ == {"x": 1}
    assert copy.to_dict() == data
    with pytest.raises(IBMQJobInvalidStateError, match="not connected to a server"):
        copy.status()
    # Once attached it talks to the server.
    copy._attach("backend", api)
    assert copy.result().get_counts(0) == {"0": 500, "11": 524}
    again = IBMQJob.from_dict(json.loads(json.dumps(copy.to_dict())), api=api)
    assert again.status() is JobStatus.DONE and again.result().success
    assert api.count("job_result") == 1  # the copy carried the result along


def test_from_dict_without_required_keys() -> None:
    with pytest.raises(IBMQJobInvalidStateError, match="without creation_date, status"):
        IBMQJob.from_dict({"job_id": "x"})


def test_final_detached_job_answers_from_its_cache() -> None:
    data = {
        "job_id": "j",
        "creation_date": "2024-05-01T12:00:00Z",
        "status": "ERROR_VALIDATING_JOB",
        "error": {"message": "Bad shots", "code": 1109},
    }
    job = IBMQJob.from_dict(data)
    assert job.status() is JobStatus.ERROR
    assert job.error_message() == "Bad shots. Error code: 1109."


def test_result_object_in_constructor_is_serialised() -> None:
    from qiskit.result import Result

    doc = result_document("j", [True])
    result = Result.from_dict(doc)
    job = IBMQJob(None, None, "j", "2024-05-01T12:00:00Z", "COMPLETED", result=result)
    assert job.result() is result
    data = json.loads(json.dumps(job.to_dict()))
    assert IBMQJob.from_dict(data).result().get_counts(0) == result.get_counts(0)


def test_invalid_qobj_document(api: FakeJobApi, clock: FakeClock) -> None:
    job = make_job(api, api.add(["COMPLETED"], qobj={"type": "QASM"}), clock)
    with pytest.raises(IBMQJobApiError, match="Invalid Qobj received"):
        job.qobj()
    job = make_job(api, api.add(["COMPLETED"], kind="q-object"), clock)
    assert job.qobj() is None and api.count("job_get") == 1


def test_lazy_properties_refresh_once(api: FakeJobApi, clock: FakeClock) -> None:
    job = IBMQJob(None, api, api.add(["RUNNING"]), "2024-05-01T12:00:00Z", "RUNNING")
    assert job.experiment_id is None
    assert job.client_version == {"ibmqjob": "0.1.0"}
    assert api.count("job_get") == 1


def test_bad_info_queue_in_constructor() -> None:
    with pytest.raises(IBMQJobApiError, match="position"):
        IBMQJob(None, None, "j", "2024-05-01T12:00:00Z", "QUEUED", info_queue={"position": "x"})


def test_invalid_inline_qobj_in_a_job_document(api: FakeJobApi, clock: FakeClock) -> None:
    job_id = api.add(["RUNNING", "COMPLETED"], kind="q-object", qobj={"config": {}})
    with pytest.raises(IBMQJobApiError, match="Invalid Qobj received"):
        make_job(api, job_id, clock)


def test_a_detached_job_pickles() -> None:
    import pickle

    job = IBMQJob.from_dict(
        {
            "job_id": "j",
            "creation_date": "2024-05-01T12:00:00Z",
            "status": "QUEUED",
            "info_queue": {"position": 2},
            "summary": {"n": 1},
        }
    )
    copy = pickle.loads(pickle.dumps(job))
    assert copy.to_dict() == job.to_dict()
    assert copy.queue_position() == 2 and copy.summary_ == {"n": 1}
