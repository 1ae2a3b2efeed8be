"""The pytest plugin in a pytester project: leak check after recording, clear replay errors."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import vcr.serializers.yamlserializer  # noqa: F401

# Imported here, once: in-process pytester runs drop the modules a run imported, and PyYAML's
# C loader breaks when vcrpy's serializer is imported again in the next run.

pytest_plugins = ["pytester"]

LEAKY = secrets.token_urlsafe(48)
ROOT = Path(__file__).resolve().parents[2]


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
    server.server_close()


TEST_FILE = """
import os
import httpx
import pytest

@pytest.mark.vcr
def test_get():
    answer = httpx.get(os.environ["PLUGIN_URL"] + "/data?x=" + os.environ.get("PLUGIN_X", "1"))
    assert answer.json()["path"].startswith("/data")
"""


FIXTURE_FILE = """
import os
import httpx
import pytest

@pytest.fixture
def answer():
    return httpx.get(os.environ["PLUGIN_URL"] + "/login?x=" + os.environ.get("PLUGIN_X", "1"))

@pytest.mark.vcr
def test_with_fixture(answer):
    assert answer.status_code == 200
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
    pytester.makepyfile(test_clean=TEST_FILE, test_fixture=FIXTURE_FILE)
    run(pytester, "--record-mode=once").assert_outcomes(passed=2)
    assert (pytester.path / "cassettes" / "test_clean" / "test_get.yaml").exists()
    run(pytester, "--block-network").assert_outcomes(passed=2)
    monkeypatch.setenv("PLUGIN_X", "2")
    result = run(pytester, "--block-network")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            # pytest reports setup errors before failures
            f"*NoRecordedAnswer: no recorded answer for GET {http_url}/login?x=2 in cassette*",
            f"*NoRecordedAnswer: no recorded answer for GET {http_url}/data?x=2 in cassette*",
        ],
        consecutive=False,
    )


def test_the_plugin_is_declared_and_loads_without_vcrpy() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["entry-points"]["pytest11"]
    # The entry point's name is the module's: `-p ibmqjob.testing.plugin` then never loads
    # it a second time.
    assert declared == {"ibmqjob.testing.plugin": "ibmqjob.testing.plugin"}
    assert (
        "pytest-recording>=0.14.1,<0.15" in pyproject["project"]["optional-dependencies"]["testing"]
    )
    # Every pytest run of an environment with ibmqjob loads the plugin: vcrpy (an optional
    # dependency) must wait until a test asks for a cassette.
    probe = "import sys, ibmqjob.testing.plugin; print('vcr' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip() == "False"
