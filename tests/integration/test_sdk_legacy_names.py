"""Names and behaviours of the original client, through the SDK against live reference servers."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qiskit

import ibmqjob
from ibmqjob import IBMQBackendService, IBMQSimulator, least_busy
from ibmqjob.account import IBMQFactory
from ibmqjob.backend import IBMQBackend
from ibmqjob.backendreservation import BackendReservation
from ibmqjob.exceptions import (
    IBMQAccountCredentialsNotFound,
    IBMQBackendError,
    IBMQError,
    IBMQProviderError,
)
from ibmqjob.provider import AccountProvider
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell, demo_provider, unique_tag

RESERVATIONS = """
reservations:
  - {id: soon, backend: ibmq_manila, start: "+10m", end: "+70m",
     hub: ibm-q, group: open, project: main, mode: dedicated}
  - {id: theirs, backend: ibmq_lima, start: "+3h", end: "+4h",
     hub: ibm-q-other, group: group0, project: project0}
"""


@pytest.fixture(scope="module")
def provider(reference_server: ServerThread) -> Iterator[AccountProvider]:
    with demo_provider(reference_server) as provider:
        yield provider


@pytest.fixture
def booked_provider(
    server_factory: Callable[..., ServerThread], tmp_path: Path
) -> Iterator[AccountProvider]:
    path = tmp_path / "reservations.yaml"
    path.write_text(RESERVATIONS)
    with demo_provider(server_factory(reservations_file=path)) as provider:
        yield provider


def test_backend_reservations_in_local_time(booked_provider: AccountProvider) -> None:
    manila = booked_provider.get_backend("ibmq_manila")
    (reservation,) = manila.reservations()
    assert isinstance(reservation, BackendReservation)
    assert reservation.backend_name == "ibmq_manila" and reservation.reservation_id == "soon"
    assert (reservation.hub, reservation.group, reservation.project) == ("ibm-q", "open", "main")
    assert reservation.mode == "dedicated" and reservation.duration == 60
    now = dt.datetime.now().astimezone()
    assert reservation.start_datetime.utcoffset() == now.utcoffset()
    assert dt.timedelta(minutes=9) < reservation.start_datetime - now < dt.timedelta(minutes=11)
    # A window (naive: local time) that ends before the slot finds nothing.
    naive_now = dt.datetime.now()
    assert manila.reservations(naive_now, naive_now + dt.timedelta(minutes=5)) == []
    assert manila.reservations(naive_now + dt.timedelta(minutes=30)) == [reservation]
    (other,) = booked_provider.get_backend("ibmq_lima").reservations()
    assert other.reservation_id is None and other.hub is None and other.duration == 60
    with pytest.raises(TypeError, match="start_datetime"):
        manila.reservations("tomorrow")


def test_my_reservations_are_the_accounts(booked_provider: AccountProvider) -> None:
    (mine,) = booked_provider.backend.my_reservations()
    assert mine.reservation_id == "soon" and mine.backend_name == "ibmq_manila"
    assert "reservation_id=soon" in repr(mine)


def test_least_busy_skips_reserved_backends(booked_provider: AccountProvider) -> None:
    devices = booked_provider.backends(simulator=False)
    assert {b.name() for b in devices} == {"ibmq_manila", "ibmq_lima"}
    assert least_busy(devices).name() == "ibmq_lima", "manila is reserved within the hour"
    assert least_busy(devices, reservation_lookahead=5).name() in {"ibmq_manila", "ibmq_lima"}
    chosen = least_busy(booked_provider.backends())
    assert chosen.status().operational
    with pytest.raises(IBMQError, match="empty list"):
        least_busy([])


def test_least_busy_refuses_when_nothing_is_available(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory()
    for name in ("ibmq_qasm_simulator", "ibmq_manila", "ibmq_lima"):
        server.set_maintenance(name, True)
    with demo_provider(server) as provider, pytest.raises(IBMQError, match="No backend matches"):
        least_busy(provider.backends())


def test_least_busy_is_where_the_original_had_it() -> None:
    assert ibmqjob.least_busy is least_busy


def test_backends_filters_of_the_original(provider: AccountProvider) -> None:
    names = {b.name() for b in provider.backends(min_num_qubits=6)}
    assert names == {SIMULATOR}, "the devices have 5 qubits"
    assert len(provider.backends(min_num_qubits=5)) == 3
    # ibmq_lima's real configuration does not say which input it allows: it is left out.
    assert {b.name() for b in provider.backends(input_allowed="job")} == {SIMULATOR, "ibmq_manila"}
    assert provider.backends(input_allowed=["job", "runtime"]) == []
    assert [b.name() for b in provider.backends(filters=lambda b: b.configuration().simulator)] == [
        SIMULATOR
    ]
    assert [b.name() for b in provider.backends("ibmq_lima", n_qubits=5)] == ["ibmq_lima"]
    with pytest.warns(DeprecationWarning, match="timeout"):
        assert len(provider.backends(timeout=3)) == 3
    with pytest.raises(TypeError, match="min_num_qubits"):
        provider.backends(min_num_qubits="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input_allowed"):
        provider.backends(input_allowed=[1])  # type: ignore[list-item]
    assert provider.backend.backends(min_num_qubits=6)[0].name() == SIMULATOR


def test_simulators_are_ibmq_simulators(provider: AccountProvider) -> None:
    simulator = provider.get_backend(SIMULATOR)
    assert isinstance(simulator, IBMQSimulator)
    assert not isinstance(provider.get_backend("ibmq_manila"), IBMQSimulator)
    assert simulator.properties() is None
    with pytest.warns(DeprecationWarning, match="backend_options"):
        job = simulator.run(
            bell(),
            job_tags=[unique_tag("sim")],
            backend_options={"shots": 10, "seed_simulator": 7},
            shots=64,
        )
    result = job.result(timeout=60)
    assert sum(result.get_counts().values()) == 64, "keyword options win over backend_options"


def test_u_channel_lo_scales_are_complex(provider: AccountProvider) -> None:
    configuration = provider.get_backend("ibmq_manila").configuration()
    scales = [lo.scale for channel in configuration.u_channel_lo for lo in channel]
    assert scales and all(isinstance(scale, complex) for scale in scales)
    assert scales[0] == complex(1, 0)
    assert isinstance(configuration.online_date, dt.datetime)
    assert provider.get_backend("ibmq_manila").defaults() is not None


def test_backend_service_jobs_is_a_method(provider: AccountProvider) -> None:
    tag = unique_tag("service")
    job = provider.get_backend(SIMULATOR).run(bell(), shots=16, job_tags=[tag])
    job.wait_for_final_state(timeout=60)
    assert IBMQBackendService.jobs.__doc__
    found = IBMQBackendService.jobs(provider.backend, job_tags=[tag])
    assert [j.job_id() for j in found] == [job.job_id()]
    assert [j.job_id() for j in provider.backend.jobs(limit=5, job_tags=[tag])] == [job.job_id()]
    assert provider.backend.job_ids(job_tags=[tag])[0]["id"] == job.job_id()
    assert provider.backend.retrieve_job(job.job_id()).job_id() == job.job_id()
    assert provider.backend.ibmq_lima.name() == "ibmq_lima"


def test_a_job_retrieved_through_another_backend_warns_then_fails(
    provider: AccountProvider,
) -> None:
    job = provider.get_backend(SIMULATOR).run(bell(), shots=8, job_tags=[unique_tag("other")])
    lima: IBMQBackend = provider.get_backend("ibmq_lima")
    with (
        pytest.warns(UserWarning, match=f"belongs to backend {SIMULATOR}"),
        pytest.raises(IBMQBackendError, match="does not belong to backend ibmq_lima"),
    ):
        lima.retrieve_job(job.job_id())


def test_providers_and_get_provider_as_the_original(reference_server: ServerThread) -> None:
    factory = IBMQFactory()
    assert factory.providers() == []
    with pytest.raises(IBMQProviderError, match="No account is enabled"):
        factory.get_provider()
    assert reference_server.demo_token is not None
    factory.enable_account(reference_server.demo_token, reference_server.auth_url)
    try:
        assert [p.project for p in factory.providers()] == ["main", "secondary"]
        assert [p.project for p in factory.providers(hub="ibm-q", project="")] == [
            "main",
            "secondary",
        ]
        assert factory.get_provider(project="secondary").project == "secondary"
        with pytest.raises(IBMQProviderError, match="More than one provider matches"):
            factory.get_provider(hub="ibm-q")
        with pytest.raises(IBMQProviderError, match="No provider matches the specified criteria"):
            factory.get_provider(hub="nope")
    finally:
        factory.disable_account()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary home directory, and no credentials in the environment."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("IBMQJOB_TOKEN", "IBMQJOB_URL", "QE_TOKEN", "QE_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_saved_account_round_trip(home: Path, reference_server: ServerThread) -> None:
    token, url = reference_server.demo_token, reference_server.auth_url
    assert token is not None
    factory = IBMQFactory()
    assert factory.stored_account() == {}
    with pytest.raises(IBMQAccountCredentialsNotFound, match="save_account"):
        factory.load_account()
    factory.save_account(token, url, hub="ibm-q", group="open", project="secondary")
    qiskitrc = home / ".qiskit" / "qiskitrc"
    assert qiskitrc.stat().st_mode & 0o777 == 0o600
    text = qiskitrc.read_text()
    assert text.startswith("[ibmq]\n") and f"token = {token}\n" in text
    assert "default_provider = ibm-q/open/secondary" in text
    assert factory.stored_account() == {"token": token, "url": url}

    provider = factory.load_account()
    try:
        assert provider.project == "secondary", "the saved default provider"
    finally:
        factory.disable_account()


def test_saving_twice_needs_overwrite(
    home: Path, reference_server: ServerThread, caplog: pytest.LogCaptureFixture
) -> None:
    factory = IBMQFactory()
    factory.save_account("first-token", reference_server.auth_url)
    with caplog.at_level(logging.WARNING):
        factory.save_account("second-token", reference_server.auth_url)
    assert "overwrite=True" in caplog.text
    assert factory.stored_account()["token"] == "first-token"
    factory.save_account("second-token", reference_server.auth_url, overwrite=True)
    assert factory.stored_account()["token"] == "second-token"
    factory.delete_account()
    assert factory.stored_account() == {}
    with pytest.raises(IBMQAccountCredentialsNotFound):
        factory.delete_account()


@pytest.mark.skipif(
    not qiskit.__version__.startswith("0."), reason="qiskit 1 and 2 have no pulse schedules"
)
def test_a_pulse_schedule_reaches_the_server_and_is_refused_naming_the_gap(
    provider: AccountProvider,
) -> None:
    from qiskit import pulse

    manila = provider.get_backend("ibmq_manila")
    with pulse.build(manila, name="x-pulse") as schedule:
        pulse.play(pulse.Constant(160, 0.1), pulse.DriveChannel(0))
        pulse.measure(0)
    job = manila.run(schedule, shots=16, job_tags=[unique_tag("pulse")])
    assert job.wait_for_final_state(timeout=60) is None
    assert job.status().name == "ERROR"
    message = job.error_message() or ""
    assert "no pulse-level simulator" in message and "1002" in message
