"""``ibmqjob.utils``, reservations documents and the qiskitrc file, without a server."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dateutil import tz
from qiskit.circuit import Parameter

from ibmqjob import _stored_account
from ibmqjob.account import QX_AUTH_URL, IBMQFactory
from ibmqjob.backendreservation import BackendReservation, convert_reservation_data
from ibmqjob.credentials import StoredCredentials, read_credentials, store_credentials
from ibmqjob.exceptions import (
    IBMQAccountCredentialsInvalidFormat,
    IBMQAccountMultipleCredentialsFound,
    IBMQAccountValueError,
)
from ibmqjob.utils import converters
from ibmqjob.utils.json_decoder import decode_backend_configuration
from ibmqjob.utils.json_encoder import IQXJsonEncoder

UTC = dt.UTC


@pytest.fixture(autouse=True)
def _paris(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed local zone with an offset, so that local and UTC times differ."""
    monkeypatch.setattr(tz, "tzlocal", lambda: tz.gettz("Europe/Paris"))


def test_local_to_utc_treats_naive_and_non_utc_values_as_local() -> None:
    naive = dt.datetime(2026, 1, 15, 12, 0)
    assert converters.local_to_utc(naive) == dt.datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
    assert converters.local_to_utc("2026-07-01T12:00:00") == dt.datetime(
        2026, 7, 1, 10, 0, tzinfo=UTC
    )
    already = dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert converters.local_to_utc(already) is already
    assert converters.local_to_utc_str(naive) == "2026-01-15T11:00:00Z"
    assert converters.local_to_utc_str(naive, suffix="+") == "2026-01-15T11:00:00+00:00"
    with pytest.raises(TypeError, match="local_dt"):
        converters.local_to_utc(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a date-time"):
        converters.local_to_utc("next tuesday-ish")


def test_utc_to_local_and_friends() -> None:
    local = converters.utc_to_local("2026-01-15T11:00:00.000Z")
    assert (local.hour, local.utcoffset()) == (12, dt.timedelta(hours=1))
    assert converters.convert_tz(None, to_utc=True) is None
    assert converters.convert_tz(dt.datetime(2026, 1, 15, 12), to_utc=True) == dt.datetime(
        2026, 1, 15, 11, tzinfo=UTC
    )
    nested = converters.utc_to_local_all({"a": [dt.datetime(2026, 1, 15, 11)], "b": 3})
    assert nested["a"][0].hour == 12 and nested["b"] == 3
    assert converters.str_to_utc("2026-01-15T11:00:00") == dt.datetime(2026, 1, 15, 11, tzinfo=UTC)
    assert converters.str_to_utc("") is None
    assert converters.seconds_to_duration(93784.5) == (1, 2, 3, 4, 0)
    assert converters.seconds_to_duration(0.25) == (0, 0, 0, 0, 250)
    future = dt.datetime.now() + dt.timedelta(hours=2, minutes=5, seconds=30)
    assert converters.duration_difference(future) == "2 hrs 5 min"
    assert converters.duration_difference(dt.datetime.now() - dt.timedelta(hours=1)) == ""


def test_iqx_json_encoder_writes_qobj_values() -> None:
    theta = Parameter("θ")
    data = {
        "array": np.array([[1, 2], [3, 4]]),
        "scalar": np.float64(0.5),
        "amp": 0.5 + 0.25j,
        "bound": theta.bind({theta: 0.75}),
        "binds": {theta: [1, 2]},
        3: "int key",
    }
    text = json.dumps(data, cls=IQXJsonEncoder)
    assert json.loads(text) == {
        "array": [[1, 2], [3, 4]],
        "scalar": 0.5,
        "amp": [0.5, 0.25],
        "bound": 0.75,
        "binds": {"θ": [1, 2]},
        "3": "int key",
    }
    with pytest.raises(TypeError, match="not JSON serializable"):
        json.dumps({"x": object()}, cls=IQXJsonEncoder)


def test_decode_backend_configuration_makes_scales_complex() -> None:
    config: dict[str, Any] = {
        "online_date": "2021-04-28T04:00:00+00:00",
        "u_channel_lo": [[{"q": 1, "scale": [1.0, 0.0]}], [{"q": 0, "scale": [0.5, -1]}]],
    }
    decode_backend_configuration(config)
    assert config["online_date"] == dt.datetime(2021, 4, 28, 4, tzinfo=UTC)
    assert [lo["scale"] for ch in config["u_channel_lo"] for lo in ch] == [1 + 0j, 0.5 - 1j]
    with pytest.raises(ValueError, match=r"\[real, imag\]"):
        decode_backend_configuration({"u_channel_lo": [[{"q": 0, "scale": "big"}]]})


def test_reservation_documents() -> None:
    owner = {
        "id": "r1",
        "backendName": "ibmq_lima",
        "initialDate": "2026-01-15T10:00:00.000Z",
        "endDate": "2026-01-15T11:30:00.000Z",
        "mode": "dedicated",
        "creationDate": "2026-01-14T10:00:00.000Z",
        "hubInfo": {"hub": {"name": "h"}, "group": {"name": "g"}, "project": {"name": "p"}},
    }
    slot_only = {"initialDate": owner["initialDate"], "endDate": owner["endDate"]}
    mine, other = convert_reservation_data([owner, slot_only], "ibmq_lima")
    assert (mine.duration, mine.hub, mine.project, mine.mode) == (90, "h", "p", "dedicated")
    assert mine.start_datetime.hour == 11, "local time (Paris, UTC+1)"
    assert other.reservation_id is None and other.creation_datetime is None
    assert mine == other, "the same slot of the same backend"
    assert mine != BackendReservation("ibmq_manila", mine.start_datetime, mine.end_datetime)
    assert repr(mine).startswith("<BackendReservation(backend_name=ibmq_lima, start_datetime=")
    assert "hub=h, group=g, project=p" in repr(mine)
    with pytest.raises(ValueError, match="names no backend"):
        convert_reservation_data([slot_only])
    with pytest.raises(KeyError):
        convert_reservation_data([{"endDate": owner["endDate"]}], "ibmq_lima")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_qiskitrc_keeps_other_sections_and_reads_the_originals_fields(home: Path) -> None:
    qiskitrc = home / ".qiskit" / "qiskitrc"
    qiskitrc.parent.mkdir()
    qiskitrc.write_text(
        "[ibmq]\ntoken = T\nurl = https://x/api\nverify = False\n"
        "proxies = {'urls': {'https': 'http://proxy:8080'}}\n"
        "default_provider = h/g/p\n\n[ibmq.preferences]\nh/g/p,experiment,auto_save = true\n"
    )
    (stored,) = read_credentials()
    assert (stored.token, stored.verify, stored.default_provider) == ("T", False, ("h", "g", "p"))
    assert stored.proxies == {"urls": {"https": "http://proxy:8080"}}
    assert "T" not in repr(stored)
    assert store_credentials(StoredCredentials("U", "https://y/api", "a", "b", "c"))
    text = qiskitrc.read_text()
    assert "[ibmq.preferences]" in text and "[ibmq_a_b_c]" in text
    with pytest.raises(IBMQAccountMultipleCredentialsFound):
        IBMQFactory.stored_account()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[ibmq]\ntoken = T\n", "`token` and `url` are required"),
        ("[ibmq]\ntoken = T\nurl = u\ndefault_provider = h/g\n", "hub/group/project"),
        ("[ibmq]\ntoken = T\nurl = u\nverify = maybe\n", "`verify`"),
        ("[ibmq]\ntoken = T\nurl = u\nproxies = [1\n", "`proxies`"),
        ("no section here\n", "Error parsing file"),
    ],
)
def test_invalid_qiskitrc_files_are_named(home: Path, content: str, message: str) -> None:
    qiskitrc = home / ".qiskit" / "qiskitrc"
    qiskitrc.parent.mkdir()
    qiskitrc.write_text(content)
    with pytest.raises(IBMQAccountCredentialsInvalidFormat, match=message):
        read_credentials()


def test_save_account_checks_its_arguments(home: Path) -> None:
    with pytest.raises(IBMQAccountValueError, match="must all be specified"):
        IBMQFactory.save_account("T", QX_AUTH_URL, hub="h")
    with pytest.raises(IBMQAccountValueError, match="HTTPS_PROXY"):
        IBMQFactory.save_account("T", proxies={"urls": {}})
    with pytest.raises(IBMQAccountValueError, match="Unknown option"):
        IBMQFactory.save_account("T", colour="red")
    assert not (home / ".qiskit").exists(), "nothing written on a refused call"
    IBMQFactory.save_account("T", "http://127.0.0.1:9/api/Hubs/h/Groups/g/Projects/p")
    (stored,) = read_credentials()
    assert (stored.url, stored.default_provider) == ("http://127.0.0.1:9/api", ("h", "g", "p"))


def test_update_account_migrates_old_urls_after_confirmation(home: Path) -> None:
    qiskitrc = home / ".qiskit" / "qiskitrc"
    qiskitrc.parent.mkdir()
    qiskitrc.write_text(
        "[ibmq]\ntoken = T\nurl = https://quantumexperience.ng.bluemix.net/api\n\n"
        "[ibmq_h_g_p]\ntoken = T\nurl = https://q-console-api.mybluemix.net/api\n"
        "hub = h\ngroup = g\nproject = p\n"
    )
    lines: list[str] = []
    refused = _stored_account.update(QX_AUTH_URL, False, ask=lambda _: "n", say=lines.append)
    assert refused is None and lines[0] == "Found 2 credentials."
    assert len(read_credentials()) == 2, "nothing written without a yes"

    updated = _stored_account.update(QX_AUTH_URL, False, ask=lambda _: "y", say=lines.append)
    assert updated is not None and updated.url == QX_AUTH_URL
    (stored,) = read_credentials()
    assert (stored.token, stored.url, stored.section) == ("T", QX_AUTH_URL, "ibmq")

    again: list[str] = []
    assert _stored_account.update(QX_AUTH_URL, True, say=again.append) is None
    assert "already current" in again[-1]


def test_equal_reservations_hash_alike() -> None:
    start = dt.datetime(2026, 1, 1, 10, tzinfo=UTC)
    one = BackendReservation("b", start, start + dt.timedelta(hours=1), reservation_id="x")
    moved = BackendReservation("b", start, start + dt.timedelta(hours=2), reservation_id="x")
    assert one == moved and hash(one) == hash(moved) and len({one, moved}) == 1


class _LocalBackend:
    """A backend that is not an IBMQBackend: reservations are not asked."""

    def __init__(self, name: str, status: object) -> None:
        self._name, self._status = name, status

    def name(self) -> str:
        return self._name

    def status(self) -> object:
        return self._status


def test_least_busy_on_backends_of_any_kind() -> None:
    from ibmqjob import least_busy
    from ibmqjob._qiskit import BackendStatus
    from ibmqjob.exceptions import IBMQError

    def status(pending: int, operational: bool = True) -> BackendStatus:
        return BackendStatus("b", "1", operational, pending, "active" if operational else "off")

    busy, idle = _LocalBackend("busy", status(7)), _LocalBackend("idle", status(2))
    down = _LocalBackend("down", status(0, operational=False))
    assert least_busy([busy, down, idle]).name() == "idle"
    with pytest.raises(IBMQError, match="No backend matches"):
        least_busy([down])

    class _NoPending:
        operational, status_msg = True, "active"

    with pytest.raises(IBMQError, match="pending_jobs"):
        least_busy([_LocalBackend("odd", _NoPending())])
