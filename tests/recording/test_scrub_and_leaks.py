"""Scrubbing of requests, responses and frames, and the leak check (function and command)."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from vcr.request import Request

from ibmqjob.testing import Scrubber, find_leaks, leaks_in_folder
from ibmqjob.testing.__main__ import main as check_main

ACCESS = secrets.token_urlsafe(48)
USER = "5f0c8d0e9a1b2c3d4e5f6a7b"


def login(scrubber: Scrubber, token: str, access: str = ACCESS) -> tuple[Request, dict[str, Any]]:
    request = Request(
        "POST",
        "http://127.0.0.1:41234/api/users/loginWithToken",
        json.dumps({"apiToken": token}).encode(),
        {"Content-Type": "application/json"},
    )
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": ["application/json"]},
        "body": {"string": json.dumps({"id": access, "ttl": 1209600, "userId": USER}).encode()},
    }
    return scrubber.before_record_request(request), scrubber.before_record_response(response)


def test_login_and_later_calls_get_stable_placeholders() -> None:
    scrubber = Scrubber(origins={"http://127.0.0.1:41234": "http://127.0.0.1:8390"})
    request, response = login(scrubber, "my-real-api-token")
    assert json.loads(request.body) == {"apiToken": "API_TOKEN_1"}
    assert json.loads(response["body"]["string"]) == {
        "id": "ACCESS_TOKEN_1",
        "ttl": 1209600,
        "userId": "USER_ID_1",
    }
    assert request.uri == "http://127.0.0.1:8390/api/users/loginWithToken"

    call = Request(
        "GET",
        "http://127.0.0.1:41234/api/objectstorage/abc/result?expires=99&signature=c2VjcmV0",
        b"",
        {"X-Access-Token": ACCESS, "Authorization": f"Bearer {ACCESS}"},
    )
    call = scrubber.before_record_request(call)
    assert call.uri.endswith("/objectstorage/abc/result?expires=99&signature=SIGNATURE")
    assert call.headers["X-Access-Token"] == "ACCESS_TOKEN_1"
    assert call.headers["Authorization"] == "Bearer ACCESS_TOKEN_1"

    me = {
        "body": {
            "string": json.dumps(
                {"id": USER, "email": "ada@example.org", "urls": {"ws": "ws://127.0.0.1:41234/ws"}}
            ).encode()
        },
        "headers": {},
    }
    body = json.loads(scrubber.before_record_response(me)["body"]["string"])
    assert body == {
        "id": "USER_ID_1",
        "email": "user1@example.invalid",
        "urls": {"ws": "ws://127.0.0.1:8390/ws"},
    }
    frame = scrubber.websocket_frame(json.dumps({"type": "authentication", "data": ACCESS}))
    assert json.loads(frame) == {"type": "authentication", "data": "ACCESS_TOKEN_1"}
    assert set(scrubber.secrets) >= {"my-real-api-token", ACCESS, USER, "ada@example.org"}


def test_a_replay_with_other_tokens_sends_the_same_placeholders() -> None:
    recorded, _ = login(Scrubber(), "token-of-the-recording")
    replayed, _ = login(Scrubber(), "another-token-in-ci")
    assert recorded.body == replayed.body
    again = Scrubber().before_record_request(replayed)  # idempotent
    assert again.body == replayed.body


def test_short_user_ids_are_replaced_only_where_the_api_puts_them() -> None:
    scrubber = Scrubber()
    login(scrubber, "token-of-the-recording", access=ACCESS)
    answer = {"body": {"string": b'{"userId":"demo","name":"demo job"}'}, "headers": {}}
    body = json.loads(scrubber.before_record_response(answer)["body"]["string"])
    assert body == {"userId": "USER_ID_2", "name": "demo job"}  # USER_ID_1 is the login's


def cassette_text(body: str, header: str = "ACCESS_TOKEN_1") -> str:
    data = {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "method": "GET",
                    "uri": "http://127.0.0.1:8390/api/Jobs/x?signature=SIGNATURE",
                    "body": None,
                    "headers": {"X-Access-Token": [header]},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {},
                    "body": {"string": body},
                },
            }
        ],
    }
    return yaml.safe_dump(data)


def test_leak_check_finds_secrets_by_place_by_shape_and_by_value() -> None:
    assert find_leaks(cassette_text('{"userId":"USER_ID_1"}')) == []
    by_place = find_leaks(cassette_text('{"userId":"demo"}'))
    assert [leak.where for leak in by_place] == [
        "interaction 1 (GET http://127.0.0.1:8390/api/Jobs/x?signature=SIGNATURE), "
        "response body, field userId"
    ]
    assert "demo" not in by_place[0].excerpt[4:]
    assert find_leaks(cassette_text("{}", header="abcdef"))[0].where.endswith(
        "request header X-Access-Token"
    )
    assert find_leaks(cassette_text(f'"{ACCESS}"'))[0].where == "token-shaped text"
    assert find_leaks(cassette_text('"my token: hunter2-hunter2"'), ["hunter2-hunter2"])
    signed = cassette_text('{"url":"http://x/o?signature=abc123"}')
    assert find_leaks(signed)[0].where.endswith("signed URL")
    harmless = "job 0f8fad5bd9cb469fa16570ab, qobj 0f8fad5b-d9cb-469f-a165-70867728950e"
    assert find_leaks(cassette_text(json.dumps({"text": harmless}))) == []


def test_check_command_exit_codes(tmp_path: Path, capsys: object) -> None:
    folder = tmp_path / "cassettes"
    (folder / "nested").mkdir(parents=True)
    (folder / "clean.yaml").write_text(cassette_text("{}"), encoding="utf-8")
    assert check_main(["check", str(folder)]) == 0
    (folder / "nested" / "leaky.yaml").write_text(
        cassette_text('{"apiToken":"live-token-1234"}'), encoding="utf-8"
    )
    assert check_main(["check", str(folder)]) == 1
    assert list(leaks_in_folder(folder)) == [folder / "nested" / "leaky.yaml"]
    assert check_main(["check", str(tmp_path / "missing")]) == 2


def test_check_command_runs_as_a_module(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(cassette_text('{"email":"ada@example.org"}'), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "ibmqjob.testing", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "a.yaml: 1 secret(s)" in done.stdout
    assert "ada@example.org" not in done.stdout
