"""Refusals of the reference server: validation, failed runs, bad requests, auth and isolation."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import httpx
import pytest
from qiskit.exceptions import QiskitError
from qiskit.result import Result

from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj, circuit_qobj


def client_message(error: dict[str, Any]) -> str:
    """What clients show for a job error (qiskit-ibmq-provider's ``error_message()``)."""
    return f"{error['message']}. Error code: {error['code']}."


ERROR_SUFFIX = re.compile(r"[^.]\. Error code: (\d{4})\.$")


def _envelope(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["code"], int | str)
    return error


def _wide_experiment(n: int, name: str) -> dict[str, Any]:
    """An experiment whose statevector (non-Clifford, entangling n qubits) needs 16 * 2**n
    bytes."""
    instructions: list[dict[str, Any]] = []
    for qubit in range(n):
        instructions += [{"name": "h", "qubits": [qubit]}, {"name": "t", "qubits": [qubit]}]
    instructions += [{"name": "cx", "qubits": [q, q + 1]} for q in range(n - 1)]
    instructions += [{"name": "measure", "qubits": [q], "memory": [q]} for q in range(n)]
    experiment: dict[str, Any] = circuit_qobj(name, n, instructions)["experiments"][0]
    return experiment


def _with(qobj: dict[str, Any], change: Any) -> dict[str, Any]:
    changed = copy.deepcopy(qobj)
    change(changed)
    return changed


def _rename_first_gate(qobj: dict[str, Any]) -> None:
    qobj["experiments"][0]["instructions"][0]["name"] = "warp"


def _pulse(qobj: dict[str, Any]) -> None:
    qobj["type"] = "PULSE"


def _qubit_out_of_range(qobj: dict[str, Any]) -> None:
    qobj["experiments"][0]["instructions"][0]["qubits"] = [40]


INVALID = [
    ("too many shots", lambda q: q["config"].update(shots=100001), "ibmq_qasm_simulator", 1103),
    ("zero shots", lambda q: q["config"].update(shots=0), "ibmq_qasm_simulator", 1101),
    (
        "too many experiments",
        lambda q: q.update(experiments=q["experiments"] * 301),
        "ibmq_qasm_simulator",
        1102,
    ),
    ("gate not in basis", _rename_first_gate, "ibmq_qasm_simulator", 1106),
    ("h not in device basis", lambda q: None, "ibmq_manila", 1106),
    ("too many qubits", _qubit_out_of_range, "ibmq_qasm_simulator", 1109),
    ("pulse on a non-pulse backend", _pulse, "ibmq_qasm_simulator", 1108),
    ("pulse on a pulse device", _pulse, "ibmq_manila", 1002),
    ("negative seed", lambda q: q["config"].update(seed_simulator=-1), "ibmq_qasm_simulator", 1101),
    ("no experiments", lambda q: q.update(experiments=[]), "ibmq_qasm_simulator", 1101),
    (
        "bad params",
        lambda q: q["experiments"][0]["instructions"].insert(
            0, {"name": "rx", "qubits": [0], "params": "x"}
        ),
        "ibmq_qasm_simulator",
        1101,
    ),
]


@pytest.mark.parametrize(
    ("label", "change", "backend", "code"), INVALID, ids=[c[0] for c in INVALID]
)
def test_invalid_qobj_ends_in_error_validating_job(
    demo_session: ApiSession, label: str, change: Any, backend: str, code: int
) -> None:
    job_id = demo_session.submit(_with(bell_qobj(), change), backend=backend)
    status = demo_session.wait_for(job_id)
    assert status["status"] == "ERROR_VALIDATING_JOB"
    document = demo_session.job(job_id)
    error = document["error"]
    assert error["code"] == code
    suffix = ERROR_SUFFIX.search(client_message(error))
    assert suffix is not None and suffix.group(1) == str(code)
    assert "Error code" not in error["message"]
    assert "RUNNING" not in document["timePerStep"]
    assert demo_session.request("GET", f"/Jobs/{job_id}/resultDownloadUrl").status_code == 409


def test_coupling_map_is_enforced_on_devices(demo_session: ApiSession) -> None:
    instructions = [
        {"name": "cx", "qubits": [0, 2]},
        {"name": "measure", "qubits": [0], "memory": [0]},
        {"name": "measure", "qubits": [2], "memory": [1]},
    ]
    qobj = circuit_qobj("uncoupled", 5, instructions, shots=10, seed=None)
    job_id = demo_session.submit(qobj, backend="ibmq_lima")
    demo_session.wait_for(job_id)
    assert demo_session.job(job_id)["error"]["code"] == 1107


def test_failing_experiment_gives_partial_result(demo_session: ApiSession) -> None:
    qobj = bell_qobj(shots=100, seed=3)
    bell = qobj["experiments"][0]
    bell["header"]["name"] = "small"
    qobj["experiments"] = [bell, _wide_experiment(26, "too-wide"), bell]
    qobj["config"].update(n_qubits=26, memory_slots=26)
    job_id = demo_session.submit(qobj)
    assert demo_session.wait_for(job_id)["status"] == "ERROR_RUNNING_JOB"
    document = demo_session.job(job_id)
    assert document["error"]["code"] == 5204
    assert ERROR_SUFFIX.search(client_message(document["error"]))
    assert "1 of 3 experiments failed" in document["error"]["message"]
    assert document["summaryData"]["success"] is False
    raw = demo_session.result(job_id)
    assert raw["success"] is False
    assert [e["success"] for e in raw["results"]] == [True, False, True]
    assert "Insufficient memory" in raw["results"][1]["status"]
    result = Result.from_dict(raw)
    assert sum(result.get_counts(0).values()) == 100
    with pytest.raises(QiskitError, match=r"too-wide|No counts"):
        result.get_counts(1)


def test_garbage_upload_is_refused_and_the_job_can_still_be_cancelled(
    demo_session: ApiSession,
) -> None:
    created = demo_session.create()
    url = created["objectStorageInfo"]["uploadUrl"]
    for body in (b"not json", b"[]", b'{"qobj_id": 1}', b'{"qobj_id": "x", "type": "QASM"}'):
        _envelope(demo_session.client.put(url, content=body), 400)
    _envelope(demo_session.request("POST", f"/Jobs/{created['id']}/jobDataUploaded"), 409)
    assert demo_session.request("POST", f"/Jobs/{created['id']}/cancel").json() == {
        "cancelled": True
    }


def test_signed_urls_are_bound_to_job_object_method_and_expiry(
    demo_session: ApiSession, server_factory: Callable[..., ServerThread]
) -> None:
    created = demo_session.create()
    upload: str = created["objectStorageInfo"]["uploadUrl"]
    parts = urlsplit(upload)
    query = parse_qs(parts.query)
    other = demo_session.create()["id"]

    def variant(path: str | None = None, **params: str) -> str:
        values = {"expires": query["expires"][0], "signature": query["signature"][0], **params}
        encoded = "&".join(f"{k}={v}" for k, v in values.items() if v)
        return urlunsplit((parts.scheme, parts.netloc, path or parts.path, encoded, ""))

    body = bell_qobj()
    put = demo_session.client.put
    _envelope(put(variant(parts.path.replace(created["id"], other)), json=body), 403)
    _envelope(put(variant(parts.path.replace("qobj", "result")), json=body), 405)
    _envelope(put(variant(signature="0" * 64), json=body), 403)
    _envelope(put(variant(expires=str(int(query["expires"][0]) + 1)), json=body), 403)
    _envelope(put(variant(signature=""), json=body), 403)
    _envelope(demo_session.client.get(upload), 403)  # an upload URL does not download
    # The client sends its access token along; a signed URL ignores it.
    assert put(upload, json=body, headers={"X-Access-Token": "garbage"}).status_code == 200

    expiring = server_factory(url_ttl=1)
    with ApiSession(expiring.auth_url, expiring.demo_token) as session:
        job = session.create()
        time.sleep(2.1)
        error = _envelope(session.upload(job, body), 403)
        assert "expired" in error["message"]


def test_unauthenticated_and_expired_tokens_get_401(
    reference_server: ServerThread, server_factory: Callable[..., ServerThread]
) -> None:
    with httpx.Client(base_url=reference_server.auth_url) as client:
        assert client.get("/version").status_code == 200
        paths = ("/users/me", "/Network", "/Network/ibm-q/Groups/open/Projects/main/devices/v/1")
        for path in paths:
            _envelope(client.get(path), 401)
            _envelope(client.get(path, headers={"X-Access-Token": "nope"}), 401)
        _envelope(client.post("/users/loginWithToken", json={"apiToken": "wrong"}), 401)
    short = server_factory(token_ttl=1)
    with ApiSession(short.auth_url, short.demo_token) as session:
        assert session.client.get("/users/me").status_code == 200
        time.sleep(1.2)
        _envelope(session.client.get("/users/me"), 401)


def test_license_not_accepted_answers_accept_license_required(
    server_factory: Callable[..., ServerThread], tmp_path: Path
) -> None:
    users = tmp_path / "users.yaml"
    users.write_text(
        "users:\n"
        "  - id: newcomer\n"
        "    api_tokens: [newcomer-token]\n"
        "    license_accepted: false\n"
        "    projects: [{hub: h, group: g, project: p}]\n"
    )
    server = server_factory(users_file=users)
    answer = httpx.post(
        server.auth_url + "/users/loginWithToken", json={"apiToken": "newcomer-token"}
    )
    assert _envelope(answer, 401)["name"] == "ACCEPT_LICENSE_REQUIRED"


def test_users_see_only_their_projects_and_jobs(
    demo_session: ApiSession, other_session: ApiSession, reference_server: ServerThread
) -> None:
    job_id = demo_session.create(tags=["mine"])["id"]
    other_hub = other_session.client.get(
        f"/Network/ibm-q/Groups/open/Projects/main/Jobs/{job_id}/v/1"
    )
    assert _envelope(other_hub, 404)["code"] == 2910
    for method, path in (
        ("GET", f"/Jobs/{job_id}/v/1"),
        ("GET", f"/Jobs/{job_id}/status/v/1"),
        ("POST", f"/Jobs/{job_id}/cancel"),
        ("PUT", f"/Jobs/{job_id}"),
        ("DELETE", f"/Jobs/{job_id}"),
    ):
        answer = other_session.request(
            method, path, json={"name": "x"} if method == "PUT" else None
        )
        assert _envelope(answer, 404)["code"] == 3250
    assert job_id not in {j["id"] for j in other_session.jobs({"limit": 0})}
    with ApiSession(
        reference_server.auth_url, reference_server.demo_token, ("ibm-q", "open", "secondary")
    ) as secondary:
        assert _envelope(secondary.request("GET", f"/Jobs/{job_id}/v/1"), 404)["code"] == 3250
    assert (
        _envelope(
            demo_session.client.get("/Network/ibm-q/Groups/nope/Projects/main/Jobs/v/1"), 404
        )["code"]
        == 2909
    )
    assert (
        _envelope(
            demo_session.client.get("/Network/ibm-q/Groups/open/Projects/nope/Jobs/v/1"), 404
        )["code"]
        == 2913
    )
    network = other_session.client.get("/Network").json()
    assert [hub["name"] for hub in network] == ["ibm-q-other"]


GARBAGE = [
    ("POST", "/Jobs", b"{", 400),
    ("POST", "/Jobs", b"[]", 400),
    ("POST", "/Jobs", b"", 400),
    ("POST", "/Jobs", b'{"backend": "ibmq_qasm_simulator"}', 400),
    ("POST", "/Jobs", b'{"backend": {"name": 7}}', 400),
    ("POST", "/Jobs", b'{"backend": {"name": "ibmq_nowhere"}}', 404),
    ("POST", "/Jobs", b'{"backend": {"name": "ibmq_qasm_simulator"}, "tags": "a"}', 400),
    ("POST", "/Jobs", b'{"backend": {"name": "ibmq_qasm_simulator"}, "tags": [1]}', 400),
    ("POST", "/Jobs", b'{"backend": {"name": "ibmq_qasm_simulator"}, "name": null}', 400),
    ("POST", "/Jobs", b'{"backend": {"name": "ibmq_qasm_simulator"}, "unknown": 1}', 400),
    (
        "POST",
        "/Jobs",
        b'{"backend": {"name": "ibmq_qasm_simulator"}, "allowObjectStorage": "no"}',
        400,
    ),
    ("POST", "/Jobs", b'{"backend": {"name": "ibmq_qasm_simulator", "id": 5}}', 400),
    (
        "POST",
        "/Jobs",
        b'{"backend": {"name": "ibmq_qasm_simulator"}, "liveDataEnabled": "yes"}',
        400,
    ),
    ("POST", "/Jobs", b"\xff\xfe", 400),
    ("GET", "/Jobs/status/v/1?filter={", None, 400),
    ("GET", "/Jobs/status/v/1?filter=[]", None, 400),
    ("GET", '/Jobs/status/v/1?filter={"limit":-1}', None, 400),
    ("GET", '/Jobs/status/v/1?filter={"limit":"5"}', None, 400),
    ("GET", '/Jobs/status/v/1?filter={"order":"name"}', None, 400),
    ("GET", '/Jobs/status/v/1?filter={"where":{"name":{"regexp":"("}}}', None, 400),
    ("GET", '/Jobs/status/v/1?filter={"where":{"name":{"weird":1}}}', None, 400),
    ("GET", '/Jobs/status/v/1?filter={"where":{"or":{}}}', None, 400),
    ("GET", '/Jobs/status/v/1?filter={"bogus":1}', None, 400),
    ("GET", '/Jobs/v/1?filter={"fields":{"id":"yes"}}', None, 400),
    ("GET", "/Jobs/0123456789abcdef01234567/v/1", None, 404),
    ("GET", "/Jobs/..%2F..%2Fetc/v/1", None, 404),
    ("GET", "/devices/ibmq_manila/properties?version=2", None, 400),
    ("GET", "/devices/ibmq_manila/properties?filter=nope", None, 400),
    (
        "GET",
        '/devices/ibmq_manila/properties?filter={"where":{"last_update_date":{"lt":"soon"}}}',
        None,
        400,
    ),
    ("DELETE", "/Jobs/status/v/1", None, 405),
    ("PATCH", "/Jobs", b"{}", 405),
    ("GET", "/Nothing/here", None, 404),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), GARBAGE)
def test_garbage_gets_the_envelope_never_a_500(
    demo_session: ApiSession, method: str, path: str, body: bytes | None, status: int
) -> None:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    answer = demo_session.request(method, path, content=body, headers=headers)
    _envelope(answer, status)
    if status == 405:
        assert answer.headers["allow"]


def test_wrong_methods_list_every_allowed_method(demo_session: ApiSession) -> None:
    job_id = demo_session.create()["id"]
    answer = demo_session.request("POST", f"/Jobs/{job_id}")
    _envelope(answer, 405)
    assert {m.strip() for m in answer.headers["allow"].split(",")} == {"PUT", "DELETE"}
    storage = demo_session.client.delete(f"/objectstorage/{job_id}/qobj")
    _envelope(storage, 405)
    assert {m.strip() for m in storage.headers["allow"].split(",")} >= {"PUT", "GET"}


def test_oversized_bodies_get_413(server_factory: Callable[..., ServerThread]) -> None:
    server = server_factory(max_body_bytes=1000, max_upload_bytes=5000)
    with ApiSession(server.auth_url, server.demo_token) as session:
        big = {"backend": {"name": "ibmq_qasm_simulator"}, "name": "x" * 2000}
        _envelope(session.request("POST", "/Jobs", json=big), 413)
        job = session.create()
        qobj = bell_qobj()
        qobj["header"] = {"padding": "p" * 6000}
        _envelope(session.upload(job, qobj), 413)

        def chunks() -> Iterator[bytes]:
            for _ in range(10):
                yield b"x" * 1000

        streamed = session.client.put(job["objectStorageInfo"]["uploadUrl"], content=chunks())
        _envelope(streamed, 413)
        assert session.status(job["id"])["status"] == "CREATING"
