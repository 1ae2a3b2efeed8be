"""Each named fault of the reference server is a visible deviation from the contract.

Conformance tools are checked against these servers; here we only make sure that
each fault does what it says and nothing is broken without it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from refserver.faults import FAULTS, parse_faults
from refserver.runner import ServerThread
from refserver.testing import ApiSession, bell_qobj, cursor_pages, status_stream


def _session(server: ServerThread) -> ApiSession:
    return ApiSession(server.auth_url, server.demo_token)


def test_unknown_fault_names_are_refused() -> None:
    assert parse_faults(["paging_repeats"]) == {"paging_repeats"}
    with pytest.raises(ValueError, match="no_such_fault"):
        parse_faults(["no_such_fault"])


def test_wrong_status_string(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"wrong_status_string"})) as session:
        job_id = session.submit(bell_qobj())
        session.wait_for(job_id, {"completed"})
        assert session.job(job_id)["status"] == "completed"


def test_missing_creation_date(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"missing_creation_date"})) as session:
        job = session.create()
        assert "creationDate" not in job and "creationDate" not in session.job(job["id"])


def test_tags_not_echoed(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"tags_not_echoed"})) as session:
        job_id = session.create(tags=["old"])["id"]
        answer = session.request("PUT", f"/Jobs/{job_id}", json={"tags": ["new"]})
        assert answer.status_code == 200 and answer.json()["tags"] == ["old"]


def test_wrong_close_code(server_factory: Callable[..., ServerThread]) -> None:
    server = server_factory(faults={"wrong_close_code"})
    with _session(server) as session:
        job_id = session.submit(bell_qobj())
        session.wait_for(job_id)
        _frames, code = status_stream(server.ws_url, job_id, session.access_token)
    assert code == 1000


def test_paging_repeats(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"paging_repeats"}, job_limit=-1)) as session:
        for _ in range(6):
            session.create(tags=["page"])
        listed = cursor_pages(session, {"tags": "page"}, limit=6, page=2)
        ids = [job["id"] for job in listed]
        assert len(ids) == 6 and len(set(ids)) < 6


def test_500_on_bad_input(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"500_on_bad_input"})) as session:
        answer = session.request("GET", "/Jobs/status/v/1", params={"filter": "{"})
        assert answer.status_code == 500 and "Traceback" in answer.text


def test_info_queue_outside_queued(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"info_queue_outside_queued"}, run_delay=30)) as session:
        job_id = session.submit(bell_qobj())
        status = session.wait_for(job_id, {"RUNNING"})
        assert "infoQueue" in status
        session.request("POST", f"/Jobs/{job_id}/cancel").raise_for_status()


def test_cross_user_access(server_factory: Callable[..., ServerThread]) -> None:
    server = server_factory(faults={"cross_user_access"})
    with (
        _session(server) as demo,
        ApiSession(
            server.auth_url, server.other_token, ("ibm-q-other", "group0", "project0")
        ) as other,
    ):
        job_id = demo.create()["id"]
        assert other.job(job_id)["userId"] == "demo"


def _socket_frames(
    server: ServerThread, fault_timeout: float = 20
) -> tuple[list[dict[str, Any]], int | None]:
    with _session(server) as session:
        job_id = session.submit(bell_qobj())
        session.wait_for(job_id)
        return status_stream(server.ws_url, job_id, session.access_token, timeout=fault_timeout)


def test_ws_bad_auth_ack(server_factory: Callable[..., ServerThread]) -> None:
    frames, _code = _socket_frames(server_factory(faults={"ws_bad_auth_ack"}))
    assert frames[0] == {"type": "welcome"}


def test_ws_non_json_frames(server_factory: Callable[..., ServerThread]) -> None:
    with pytest.raises(json.JSONDecodeError):
        _socket_frames(server_factory(faults={"ws_non_json_frames"}))


def test_ws_silent(server_factory: Callable[..., ServerThread]) -> None:
    with pytest.raises(TimeoutError):
        _socket_frames(server_factory(faults={"ws_silent"}), fault_timeout=0.5)


def test_ws_retry_once(server_factory: Callable[..., ServerThread]) -> None:
    server = server_factory(faults={"ws_retry_once"})
    with _session(server) as session:
        job_id = session.submit(bell_qobj())
        session.wait_for(job_id)
        first = status_stream(server.ws_url, job_id, session.access_token)
        second = status_stream(server.ws_url, job_id, session.access_token)
    assert first == ([{"type": "authenticated"}], 4001)
    assert second[1] == 4002 and second[0][-1]["data"]["status"] == "COMPLETED"


# The wire faults (refserver.faults.WireFaults): what an operation does is broken, not its answer.


def _three_jobs(session: ApiSession, tag: str) -> list[str]:
    ids = [session.create(tags=[tag], name=f"{tag}-{index}")["id"] for index in range(3)]
    return ids[::-1]  # newest first


def test_results_ignore_circuit(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"results_ignore_circuit"})) as session:
        job_id = session.submit(bell_qobj(shots=100))
        session.wait_for(job_id)
        counts = session.result(job_id)["results"][0]["data"]["counts"]
    assert counts == {"0x0": 25, "0x1": 25, "0x2": 25, "0x3": 25}


def test_seed_ignored(server_factory: Callable[..., ServerThread]) -> None:
    from refserver.testing import circuit_qobj

    instructions = [{"name": "h", "qubits": [q]} for q in range(4)]
    instructions += [{"name": "measure", "qubits": [q], "memory": [q]} for q in range(4)]
    qobj = circuit_qobj("uniform", 4, instructions, shots=512, seed=7)
    with _session(server_factory(faults={"seed_ignored"})) as session:
        runs = []
        for _ in range(2):
            job_id = session.submit(qobj)
            session.wait_for(job_id)
            runs.append(session.result(job_id)["results"][0]["data"]["counts"])
    assert runs[0] != runs[1]


def test_listing_ignores_skip(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"listing_ignores_skip"}, job_limit=-1)) as session:
        ids = _three_jobs(session, "skip")
        listed = session.jobs({"where": {"tags": "skip"}, "skip": 1, "limit": 1})
    assert [job["id"] for job in listed] == ids[:1]


def test_listing_ignores_limit(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"listing_ignores_limit"}, job_limit=-1)) as session:
        ids = _three_jobs(session, "limit")
        listed = session.jobs({"where": {"tags": "limit"}, "limit": 1})
    assert [job["id"] for job in listed] == ids


def test_listing_ignores_order(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"listing_ignores_order"}, job_limit=-1)) as session:
        ids = _three_jobs(session, "order")
        listed = session.jobs({"where": {"tags": "order"}, "order": "creationDate ASC"})
    assert [job["id"] for job in listed] == ids


def test_listing_ignores_status(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"listing_ignores_status"}, job_limit=-1)) as session:
        ids = _three_jobs(session, "status")
        listed = session.jobs({"where": {"tags": "status", "status": "COMPLETED"}})
    assert sorted(job["id"] for job in listed) == sorted(ids)


def test_filter_dates_ignore_offset(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"filter_dates_ignore_offset"}, job_limit=-1)) as session:
        newest = session.job(_three_jobs(session, "dates")[0])
        moment = dt.datetime.fromisoformat(newest["creationDate"].replace("Z", "+00:00"))
        for offset, found in ((0, 1), (330, 0)):
            # The newest job's own instant: read at +05:30 as if UTC, it is 5.5 h later.
            zone = dt.timezone(dt.timedelta(minutes=offset))
            bound = {"gte": moment.astimezone(zone).isoformat(timespec="milliseconds")}
            listed = session.jobs({"where": {"tags": "dates", "creationDate": bound}})
            assert len(listed) == found, (bound, listed)


def test_cancel_without_effect(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"cancel_without_effect"})) as session:
        job_id = session.create()["id"]
        answer = session.request("POST", f"/Jobs/{job_id}/cancel")
        assert answer.status_code == 200 and answer.json() == {"cancelled": True}
        assert session.status(job_id)["status"] == "CREATING"
        assert session.request("POST", "/Jobs/" + "0" * 24 + "/cancel").status_code == 404


def test_delete_without_effect(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"delete_without_effect"})) as session:
        job_id = session.create()["id"]
        answer = session.request("DELETE", f"/Jobs/{job_id}")
        assert answer.status_code == 200 and answer.json() == {"deleted": True}
        assert session.job(job_id)["id"] == job_id


def test_update_without_effect(server_factory: Callable[..., ServerThread]) -> None:
    with _session(server_factory(faults={"update_without_effect"})) as session:
        job_id = session.create(name="before", tags=["old"])["id"]
        answer = session.request("PUT", f"/Jobs/{job_id}", json={"tags": ["new"]})
        assert answer.status_code == 200 and answer.json()["tags"] == ["new"]
        job = session.job(job_id)
    assert (job["name"], job["tags"]) == ("before", ["old"])


def test_every_fault_has_a_test() -> None:
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(FAULTS) <= tested, set(FAULTS) - tested


def test_no_fault_no_deviation(demo_session: ApiSession) -> None:
    answer = demo_session.request("GET", "/Jobs/status/v/1", params={"filter": json.dumps([1])})
    assert answer.status_code == 400
