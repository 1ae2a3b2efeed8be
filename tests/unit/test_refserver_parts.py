"""Small parts of the reference server: clock, signing, users, bodies, documents, CLI."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from refserver import bodies, errors
from refserver.config import ServerConfig
from refserver.documents import job_document, status_document
from refserver.errors import ApiError
from refserver.signing import DOWNLOAD, UPLOAD, UrlSigner
from refserver.store import JobRecord, Store
from refserver.timeutil import CreationClock, format_instant, parse_instant, to_millis
from refserver.users import UserDirectory


def test_creation_clock_is_strictly_increasing_even_when_time_stands_still() -> None:
    far_future = to_millis(parse_instant("2999-01-01T00:00:00Z"))  # type: ignore[arg-type]
    clock = CreationClock(far_future)
    instants = [clock.next_instant() for _ in range(50)]
    assert all(later > earlier for earlier, later in itertools.pairwise(instants))
    texts = [format_instant(moment) for moment in instants]
    assert len(set(texts)) == 50 and texts[0] == "2999-01-01T00:00:00.001Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00.123Z"),
        ("2024-05-01T12:00:00.123456+00:00", "2024-05-01T12:00:00.123Z"),
        ("2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00.000Z"),
        ("2024-05-01T12:00:00", "2024-05-01T12:00:00.000Z"),
    ],
)
def test_instants_are_parsed_and_written_in_utc(text: str, expected: str) -> None:
    moment = parse_instant(text)
    assert moment is not None and format_instant(moment) == expected


@pytest.mark.parametrize("text", ["", "soon", "2024", "2024-13-45T00:00:00Z", 5])
def test_non_dates_parse_to_none(text: object) -> None:
    assert parse_instant(text) is None  # type: ignore[arg-type]


def test_signed_urls_verify_only_what_they_were_signed_for() -> None:
    signer = UrlSigner(b"k" * 32, ttl=60)
    url = signer.url("http://h/api", UPLOAD, "a" * 24, "qobj")
    query = dict(part.split("=") for part in url.split("?")[1].split("&"))
    signer.verify(UPLOAD, "a" * 24, "qobj", query["expires"], query["signature"])
    for method, job, name in (
        (DOWNLOAD, "a" * 24, "qobj"),
        (UPLOAD, "b" * 24, "qobj"),
        (UPLOAD, "a" * 24, "result"),
    ):
        with pytest.raises(ApiError) as raised:
            signer.verify(method, job, name, query["expires"], query["signature"])
        assert raised.value.status == 403
    with pytest.raises(ApiError):
        UrlSigner(b"other key", ttl=60).verify(
            UPLOAD, "a" * 24, "qobj", query["expires"], query["signature"]
        )
    expired = UrlSigner(b"k" * 32, ttl=-1)
    old = dict(
        p.split("=")
        for p in expired.url("http://h/api", DOWNLOAD, "a" * 24, "result").split("?")[1].split("&")
    )
    with pytest.raises(ApiError, match="expired"):
        expired.verify(DOWNLOAD, "a" * 24, "result", old["expires"], old["signature"])
    for expires, signature in ((None, "x"), ("x", None), ("soon", "x")):
        with pytest.raises(ApiError):
            signer.verify(UPLOAD, "a" * 24, "qobj", expires, signature)


def test_bundled_users_match_the_contract() -> None:
    users = UserDirectory.load()
    demo = users.by_api_token("ibmqjob-demo-token")
    other = users.by_api_token("ibmqjob-other-token")
    assert demo is not None and other is not None
    assert [(m.hub, m.group, m.project, m.is_default) for m in demo.memberships] == [
        ("ibm-q", "open", "main", True),
        ("ibm-q", "open", "secondary", False),
    ]
    assert other.default_membership().project == "project0"
    assert users.by_api_token("nope") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("users: 3", "users"),
        ("- a", "users"),
        (
            "users: [{id: u, api_tokens: [], projects: [{hub: h, group: g, project: p}]}]",
            "api_tokens",
        ),
        ("users: [{id: u, api_tokens: [t], projects: []}]", "projects"),
        ("users: [{id: u, api_tokens: [t], projects: [{hub: h, group: g}]}]", "project"),
        (
            "users: [{id: u, api_tokens: [t], projects: [{hub: 'a/b', group: g, project: p}]}]",
            "'/'",
        ),
        (
            "users: [{id: u, api_tokens: [t],"
            " projects: [{hub: h, group: g, project: p, job_limit: -2}]}]",
            "job_limit",
        ),
        (
            "users: [{id: u, api_tokens: [t],"
            " projects: [{hub: h, group: g, project: p, priority: {hub: 2}}]}]",
            "priority",
        ),
        (
            "users: [{id: u, api_tokens: [t],"
            " projects: [{hub: h, group: g, project: p, default: true}, "
            "{hub: h, group: g, project: q, default: true}]}]",
            "default",
        ),
        (
            "users: [{id: u, api_tokens: [secret], projects: [{hub: h, group: g, project: p}]}, "
            "{id: v, api_tokens: [secret], projects: [{hub: h, group: g, project: p}]}]",
            "more than one user",
        ),
        ("users: [[", "YAML"),
    ],
)
def test_invalid_users_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as raised:
        UserDirectory.load(path)
    assert "secret" not in str(raised.value)


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"backend": {}},
        {"backend": {"name": ""}},
        {"backend": {"name": "b"}, "tags": ["x"] * 65},
        {"backend": {"name": "b"}, "name": "n" * 257},
        {"backend": {"name": "b"}, "experimentTag": 5},
        {"backend": {"name": "b"}, "allowObjectStorage": "yes"},
    ],
)
def test_job_creation_bodies_are_checked(body: object) -> None:
    with pytest.raises(ApiError) as raised:
        bodies.job_creation(body)
    assert raised.value.status == 400


def test_login_and_update_bodies() -> None:
    assert bodies.login_token({"apiToken": "t"}) == "t"
    for body in (
        {},
        {"apiToken": ""},
        {"apiToken": 3},
        {"apiToken": "t", "x": 1},
        {"apiToken": "t" * 513},
    ):
        with pytest.raises(ApiError):
            bodies.login_token(body)
    assert bodies.job_update({"name": ""}) == ("name", "")
    assert bodies.job_update({"tags": []}) == ("tags", [])


def test_job_errors_leave_the_code_to_the_client() -> None:
    assert errors.job_error("Too many shots", 1103) == {"message": "Too many shots", "code": 1103}
    assert errors.job_error("Done. ", 1002)["message"] == "Done"


def _record(status: str) -> JobRecord:
    return JobRecord(
        id="a" * 24,
        user_id="u",
        hub="h",
        group="g",
        project="p",
        backend="b",
        status=status,
        creation_date="2024-05-01T12:00:00.123Z",
        time_per_step={"CREATING": "2024-05-01T12:00:00.123Z"},
    )


def test_documents_show_queue_information_only_while_queued() -> None:
    info = {"position": 1}
    assert job_document(_record("QUEUED"), info, full=False)["infoQueue"] == info
    assert "infoQueue" not in job_document(_record("RUNNING"), info, full=True)
    assert "timePerStep" not in job_document(_record("QUEUED"), info, full=False)
    assert status_document(_record("COMPLETED"), info) == {"id": "a" * 24, "status": "COMPLETED"}
    faulty = frozenset({"info_queue_outside_queued", "wrong_status_string", "paging_repeats"})
    document = job_document(_record("RUNNING"), info, full=True, faults=faulty)
    assert document["infoQueue"] == info and document["status"] == "running"
    assert document["creationDate"] == "2024-05-01T12:00:00.000Z"


def test_store_keeps_jobs_and_enforces_the_limit(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    first = _record("CREATING")
    assert store.insert_job(first, limit=1)
    second = _record("CREATING")
    second.id = "b" * 24
    assert not store.insert_job(second, limit=1)

    def cancel(job: JobRecord) -> bool:
        job.status = "CANCELLED"
        return True

    record, saved = store.update_job(first.id, cancel)
    assert saved and record is not None and record.status == "CANCELLED"
    assert store.insert_job(second, limit=1)
    store.close()
    reopened = Store(tmp_path / "db.sqlite3")
    assert reopened.get_job(first.id) == record
    assert reopened.count_active("h", "g", "p", "b") == 1


def test_config_refuses_nonsense(tmp_path: Path) -> None:
    nonsense: list[dict[str, Any]] = [
        {"step_delay": -1},
        {"job_limit": -2},
        {"token_ttl": 0},
        {"queue_update_interval": 0},
    ]
    for setting in nonsense:
        (field,) = setting
        with pytest.raises(ValueError, match=field):
            ServerConfig(data_dir=tmp_path, **setting)


def test_serve_command_lists_faults_and_refuses_unknown_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from refserver.__main__ import main

    assert main(["--list-faults"]) == 0
    listed = capsys.readouterr().out
    assert "paging_repeats" in listed and "cross_user_access" in listed
    assert main(["serve", "--fault", "bogus", "--port", "0"]) == 2
    assert "bogus" in capsys.readouterr().err


def test_devices_are_recalibrated_when_their_calibration_is_too_old(tmp_path: Path) -> None:
    from refserver.calibrations import CalibrationBook
    from refserver.devices import DeviceCatalog

    device = DeviceCatalog().get("ibmq_manila")
    assert device is not None and device.snapshot is not None
    store = Store(tmp_path / "db.sqlite3")
    CalibrationBook(store).seed(device)
    snapshot_id, snapshot = CalibrationBook(store).current(device) or (0, {})
    assert snapshot["last_update_date"] == device.snapshot["last_update_date"]
    assert snapshot["last_update_date"].endswith("Z")
    fresh_id, fresh = CalibrationBook(store, interval=3600).current(device) or (0, {})
    assert fresh_id != snapshot_id and fresh["last_update_date"] > snapshot["last_update_date"]
    t1 = [q[0]["value"] for q in fresh["qubits"]]
    assert t1 != [q[0]["value"] for q in snapshot["qubits"]]
    assert CalibrationBook(store, interval=3600).current(device) == (fresh_id, fresh)
    before = CalibrationBook(store).before(device, fresh["last_update_date"])
    assert before == snapshot
    with pytest.raises(ValueError):
        CalibrationBook(store).before(device, "yesterday")


def test_job_records_read_back_as_written_and_from_older_or_newer_servers() -> None:
    record = JobRecord(
        id="a" * 24,
        user_id="demo",
        hub="h",
        group="g",
        project="p",
        backend="ibmq_qasm_simulator",
        status="COMPLETED",
        creation_date="2026-01-01T00:00:00.000Z",
        tags=["x"],
        time_per_step={"CREATING": "2026-01-01T00:00:00.000Z"},
        summary={"size": {"input": 10}},
    )
    again = JobRecord.from_json(record.to_json())
    assert again == record and type(again) is JobRecord and again.is_final
    older = {k: v for k, v in record.__dict__.items() if k not in ("shots", "deleted")}
    assert JobRecord.from_json(json.dumps(older)) == record  # defaults for missing fields
    newer = {**record.__dict__, "field_of_a_newer_server": 1}
    assert JobRecord.from_json(json.dumps(newer)) == record
