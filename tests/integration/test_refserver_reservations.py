"""Backend reservations and the properties of a job that has not run, over raw HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from refserver.reservations import ReservationBook
from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj
from refserver.timeutil import parse_instant

RESERVATIONS = """
reservations:
  - {id: manila-main, backend: ibmq_manila, start: "+1h", end: "+3h",
     hub: ibm-q, group: open, project: main, mode: dedicated, created: "-1d"}
  - {id: manila-other, backend: ibmq_manila, start: "+5h", end: "+6h",
     hub: ibm-q-other, group: group0, project: project0}
  - {id: lima-past, backend: ibmq_lima, start: "2020-01-01T10:00:00Z", end: "2020-01-01T11:00:00Z",
     hub: ibm-q, group: open, project: secondary}
  - {id: lima-later, backend: ibmq_lima, start: "+2d", end: "+49h",
     hub: ibm-q, group: open, project: secondary}
"""


@pytest.fixture
def booked_server(server_factory: Callable[..., ServerThread], tmp_path: Path) -> ServerThread:
    path = tmp_path / "reservations.yaml"
    path.write_text(RESERVATIONS)
    return server_factory(reservations_file=path)


def _get(server: ServerThread, token: str | None, path: str, **params: str) -> httpx.Response:
    assert token is not None
    with ApiSession(server.auth_url, token) as session:
        return session.client.get(path, params=params)


def test_backend_reservations_show_owner_fields_only_to_the_owner(
    booked_server: ServerThread,
) -> None:
    mine = _get(booked_server, booked_server.demo_token, "/Network/devices/ibmq_manila/bookings/v2")
    assert mine.status_code == 200
    first, second = mine.json()
    assert first["id"] == "manila-main" and first["mode"] == "dedicated"
    assert first["hubInfo"] == {
        "hub": {"name": "ibm-q"},
        "group": {"name": "open"},
        "project": {"name": "main"},
    }
    start, end = parse_instant(first["initialDate"]), parse_instant(first["endDate"])
    assert start is not None and end is not None and end - start == timedelta(hours=2)
    created = parse_instant(first["creationDate"])
    assert created is not None and created < start
    assert set(second) == {"initialDate", "endDate"}  # another hub's booking: the slot only

    theirs = _get(
        booked_server, booked_server.other_token, "/Network/devices/ibmq_manila/bookings/v2"
    ).json()
    assert set(theirs[0]) == {"initialDate", "endDate"}
    assert theirs[1]["id"] == "manila-other"


def test_backend_reservations_window_and_empty_list(booked_server: ServerThread) -> None:
    now = datetime.now(UTC)
    window = {
        "initialDate": (now + timedelta(hours=4)).isoformat(),
        "endDate": (now + timedelta(hours=7)).isoformat(),
    }
    later = _get(
        booked_server,
        booked_server.other_token,
        "/Network/devices/ibmq_manila/bookings/v2",
        **window,
    ).json()
    assert [r["id"] for r in later] == ["manila-other"]
    none = _get(
        booked_server, booked_server.demo_token, "/Network/devices/ibmq_qasm_simulator/bookings/v2"
    )
    assert none.status_code == 200 and none.json() == []
    past = _get(
        booked_server,
        booked_server.demo_token,
        "/Network/devices/ibmq_lima/bookings/v2",
        endDate="2020-01-02T00:00:00.000Z",
    ).json()
    assert [r["id"] for r in past] == ["lima-past"]
    inverted = _get(
        booked_server,
        booked_server.demo_token,
        "/Network/devices/ibmq_manila/bookings/v2",
        initialDate=(now + timedelta(hours=3)).isoformat(),
        endDate=(now - timedelta(days=400)).isoformat(),
    )
    assert inverted.status_code == 200 and inverted.json() == [], "an empty window"


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/Network/devices/ibmq_nowhere/bookings/v2", {}, 404, 2000),
        ("/Network/devices/ibmq_manila/bookings/v2", {"initialDate": "soon"}, 400, 3216),
        (
            "/Network/devices/ibmq_manila/bookings/v2",
            {"endDate": "2026-13-01T00:00:00Z"},
            400,
            3216,
        ),
    ],
)
def test_bad_reservation_requests_get_the_envelope(
    booked_server: ServerThread, path: str, params: dict[str, str], status: int, code: int
) -> None:
    answer = _get(booked_server, booked_server.demo_token, path, **params)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


def test_reservations_need_an_access_token(booked_server: ServerThread) -> None:
    for path in ("/Network/bookings/v2", "/Network/devices/ibmq_manila/bookings/v2"):
        answer = httpx.get(booked_server.auth_url + path)
        assert answer.status_code == 401 and "error" in answer.json()


def test_my_reservations_are_the_callers_upcoming_ones(booked_server: ServerThread) -> None:
    mine = _get(booked_server, booked_server.demo_token, "/Network/bookings/v2").json()
    assert [(r["id"], r["backendName"]) for r in mine] == [
        ("manila-main", "ibmq_manila"),
        ("lima-later", "ibmq_lima"),
    ]
    theirs = _get(booked_server, booked_server.other_token, "/Network/bookings/v2").json()
    assert [r["id"] for r in theirs] == ["manila-other"]


def test_a_server_without_reservations_answers_empty_lists(reference_server: ServerThread) -> None:
    assert _get(reference_server, reference_server.demo_token, "/Network/bookings/v2").json() == []
    answer = _get(
        reference_server, reference_server.demo_token, "/Network/devices/ibmq_manila/bookings/v2"
    )
    assert answer.status_code == 200 and answer.json() == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reservations: 3", "`reservations` list"),
        ("reservations: [{backend: ibmq_nowhere, start: +1h, end: +2h}]", "unknown backend"),
        (
            "reservations: [{backend: ibmq_lima, start: +2h, end: +1h, hub: a, group: b,"
            " project: c}]",
            "`end` must be after",
        ),
        (
            "reservations: [{backend: ibmq_lima, start: later, end: +1h, hub: a, group: b,"
            " project: c}]",
            "RFC 3339",
        ),
        ("reservations: [{backend: ibmq_lima, colour: red}]", "unknown field(s) colour"),
        (
            "reservations: [{backend: ibmq_lima, start: +1h, end: +2h, group: b, project: c}]",
            "`hub` must be",
        ),
        (": : :", "not valid YAML"),
    ],
)
def test_invalid_reservation_files_are_refused_with_where(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"bad\.yaml") as caught:
        ReservationBook.load(path, {"ibmq_lima"})
    assert message in str(caught.value)


def test_offsets_count_from_the_given_instant(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "reservations: [{backend: ibmq_lima, start: +90m, end: +1.5d, hub: a, group: b,"
        " project: c, id: x}]"
    )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    (booking,) = ReservationBook.load(path, {"ibmq_lima"}, now).upcoming({("a", "b", "c")}, now)
    assert booking.start == now + timedelta(minutes=90)
    assert booking.end == now + timedelta(hours=36)


def test_properties_of_a_job_not_run_yet_are_the_current_calibration(
    demo_session: ApiSession,
) -> None:
    created: dict[str, Any] = demo_session.create(backend="ibmq_manila", name="never-run")
    properties = demo_session.request("GET", f"/Jobs/{created['id']}/properties")
    current = demo_session.request("GET", "/devices/ibmq_manila/properties").json()
    assert properties.status_code == 200
    assert properties.json() == current and current["backend_name"] == "ibmq_manila"
    simulator_job = demo_session.create(name="never-run-sim")
    answer = demo_session.request("GET", f"/Jobs/{simulator_job['id']}/properties").json()
    assert answer == {}


def test_pulse_job_on_a_pulse_device_is_refused_naming_the_gap(demo_session: ApiSession) -> None:

    qobj = bell_qobj()
    qobj["type"] = "PULSE"
    job_id = demo_session.submit(qobj, backend="ibmq_manila")
    assert demo_session.wait_for(job_id)["status"] == "ERROR_VALIDATING_JOB"
    error = demo_session.job(job_id)["error"]
    assert error["code"] == 1002
    assert "no pulse-level simulator" in error["message"]
    assert "ibmq_manila" in error["message"]


def test_the_demo_reservations_file_loads() -> None:
    import refserver

    demo = Path(refserver.__file__).with_name("demo-reservations.yaml")
    now = datetime.now(UTC)
    book = ReservationBook.load(demo, {"ibmq_manila", "ibmq_lima"}, now)
    upcoming = book.upcoming({("ibm-q", "open", "main")}, now)
    assert [r.id for r in upcoming] == ["demo-manila"]


def test_serve_refuses_a_bad_reservations_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from refserver.__main__ import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("reservations: [{backend: ibmq_nowhere, start: +1h, end: +2h}]")
    code = main(
        ["--port", "0", "--data-dir", str(tmp_path / "data"), "--reservations-file", str(bad)]
    )
    assert code == 2
    assert "unknown backend 'ibmq_nowhere'" in capsys.readouterr().err
