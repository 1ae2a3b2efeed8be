"""The pytest plugin in a pytester project: leak check after recording, clear replay errors."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import vcr.serializers.yamlserializer  # noqa: F401

# Imported here, once: in-process pytester runs drop the modules a run imported, and PyYAML's
# C loader breaks when vcrpy's serializer is imported again in the next run.

pytest_plugins = ["pytester"]

LEAKY = secrets.token_urlsafe(48)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = {"path": self.path}
        if "leak" in self.path:
            body["note"] = LEAKY  # a secret in a field the scrubber does not know
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(5)


TEST_FILE = """
import os
import httpx
import pytest

@pytest.mark.vcr
def test_get():
    answer = httpx.get(os.environ["PLUGIN_URL"] + "/data?x=" + os.environ.get("PLUGIN_X", "1"))
    assert answer.json()["path"].startswith("/data")
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(
        "-p", "ibmqjob.testing.plugin", "-p", "no:cacheprovider", *args
    )


def test_a_leaking_recording_is_deleted_and_the_test_errors(
    pytester: pytest.Pytester, http_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUGIN_URL", http_url)
    monkeypatch.setenv("PLUGIN_X", "leak")
    pytester.makepyfile(test_leaky=TEST_FILE)
    result = run(pytester, "--record-mode=once")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*CassetteLeakError*test_get.yaml held 1 secret(s)*"])
    assert LEAKY not in result.stdout.str()
    assert not (pytester.path / "cassettes" / "test_leaky" / "test_get.yaml").exists()


def test_a_changed_request_gets_no_recorded_answer(
    pytester: pytest.Pytester, http_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUGIN_URL", http_url)
    pytester.makepyfile(test_clean=TEST_FILE)
    run(pytester, "--record-mode=once").assert_outcomes(passed=1)
    assert (pytester.path / "cassettes" / "test_clean" / "test_get.yaml").exists()
    run(pytester, "--block-network").assert_outcomes(passed=1)
    monkeypatch.setenv("PLUGIN_X", "2")
    result = run(pytester, "--block-network")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*NoRecordedAnswer: no recorded answer for GET {http_url}/data?x=2 in cassette*"]
    )
