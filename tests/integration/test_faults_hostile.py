"""The SDK against hostile and failing servers: only documented errors, no secret in logs.

Hostile answers come from ``benchmarks/faultkit/hostile.py`` (loopback, stops by itself),
judged by ``benchmarks/faultkit/hostile_scenarios.py``; token expiry, logging and the
256-thread stress run use the real reference server.
"""

from __future__ import annotations

import collections
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from benchmarks.faultkit.hostile_scenarios import scenarios
from ibmqjob.account import IBMQFactory
from ibmqjob.cli import main
from ibmqjob.settings import HttpSettings
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell

_SCENARIOS = dict(scenarios())

# The scenarios each of which the SDK failed before its decoding, logging, re-login and
# unreachable-server handling (the others pass both before and after, and run in the long
# fault run).
FAILING_BEFORE = (
    "nested_result",
    "nested_result_header",
    "nested_status",
    "nested_error_body",
    "nested_websocket_frames",
    "nested_job_listing",
    "nested_properties",
    "malformed_counts",
    "malformed_shots",
    "malformed_memory",
    "expired_access_token",
    "revoked_api_token",
    "unreachable_server",
    "signed_url_logs",
)

_SDK_LOGGERS = ("ibmqjob", "httpx", "httpcore", "websockets")


@pytest.mark.parametrize("name", FAILING_BEFORE)
def test_hostile_scenario(name: str) -> None:
    report = _SCENARIOS[name]()
    assert report == {**report, "correct": True, "created_twice": 0, "accepted_lost": 0}, report
    assert report["raw_exceptions"] == 0 and report["late_calls"] == 0, report


class _Recorder(httpx.BaseTransport):
    """The real transport, remembering every access token and URL signature it carried."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.secrets: set[str] = set()
        self.logins = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("X-Access-Token")
        if token:
            self.secrets.add(token)
        signature = request.url.params.get("signature")
        if signature:
            self.secrets.add(signature)
        response = self._inner.handle_request(request)
        if request.url.path.endswith("/users/loginWithToken"):
            self.logins += 1
            body = response.read()
            match = re.search(rb'"id"\s*:\s*"([^"]+)"', body)
            if match:
                self.secrets.add(match.group(1).decode())
        return response

    def close(self) -> None:
        self._inner.close()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def sdk_logs() -> Iterator[_Collect]:
    """Every record of the SDK's loggers, all at DEBUG, for the test's duration."""
    handler = _Collect()
    saved = []
    for name in _SDK_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    yield handler
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_no_token_or_signature_in_any_log_record(
    reference_server: ServerThread, sdk_logs: _Collect
) -> None:
    assert reference_server.demo_token is not None
    recorder = _Recorder()
    factory = IBMQFactory()
    provider = factory.enable_account(
        reference_server.demo_token,
        reference_server.auth_url,
        http_settings=HttpSettings(transport=recorder),
    )
    try:
        backend = provider.get_backend(SIMULATOR)
        job = backend.run(bell(), shots=20, job_tags=["log-redaction"])
        assert sum(job.result(timeout=60).get_counts().values()) == 20
        job.update_name("redacted")
        job.status()
        backend.jobs(limit=3)
        retrieved = backend.retrieve_job(job.job_id())
        retrieved.qobj()  # downloads through the signed Qobj URL
        retrieved.result(refresh=True)
    finally:
        factory.disable_account()
    recorder.close()
    secrets = {reference_server.demo_token, *recorder.secrets}
    assert len(secrets) >= 4  # the API token, an access token, signatures
    text = "\n".join(sdk_logs.lines)
    assert "httpx INFO HTTP Request: PUT" in text and "signature=..." in text
    assert any(line.startswith("websockets") or ".wire" in line for line in sdk_logs.lines)
    leaked = sorted(secret[:6] + "..." for secret in secrets if secret in text)
    assert not leaked, f"{len(leaked)} secrets in {len(sdk_logs.lines)} log records"


def test_an_expired_access_token_is_renewed_once(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory(token_ttl=1, job_limit=-1)
    assert server.demo_token is not None
    recorder = _Recorder()
    factory = IBMQFactory()
    provider = factory.enable_account(
        server.demo_token, server.auth_url, http_settings=HttpSettings(transport=recorder)
    )
    try:
        backend = provider.get_backend(SIMULATOR)
        time.sleep(1.2)  # the access token has expired
        job = backend.run(bell(), shots=30)
        assert sum(job.result(timeout=60).get_counts().values()) == 30
        time.sleep(1.2)
        assert len(backend.jobs(limit=1)) == 1
    finally:
        factory.disable_account()
    recorder.close()
    assert recorder.logins >= 3  # enable_account, then once after each expiry


def test_an_unreachable_server_is_reported_as_such(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    monkeypatch.setenv("IBMQJOB_URL", url)
    monkeypatch.setenv("IBMQJOB_TOKEN", "some-token-value")
    assert main(["status", "f" * 24]) == 3
    err = capsys.readouterr().err
    assert f"cannot reach {url}: ConnectError" in err
    assert "not the URL of an IBM Quantum authentication service" not in err


@pytest.fixture
def retries() -> Iterator[_Collect]:
    """The transport's retry records (``ibmqjob._api.http`` at INFO)."""
    handler = _Collect()
    logger = logging.getLogger("ibmqjob._api.http")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.slow
def test_256_threads_on_one_account(
    server_factory: Callable[..., ServerThread], retries: _Collect
) -> None:
    """256 threads submit and wait on one account: no failure, no request even retried.

    Before the pool limits of ``ibmqjob/_api/http.py``, a connection the pool handed to a
    waiting thread could be closed by another one: ``[Errno 9] Bad file descriptor``.
    """
    server = server_factory(step_delay=0.0, run_delay=0.0, job_limit=-1)
    assert server.demo_token is not None
    threads, polls, limit = 256, 12, 50.0
    failures: collections.Counter[str] = collections.Counter()
    factory = IBMQFactory()
    provider = factory.enable_account(server.demo_token, server.auth_url)
    backend = provider.get_backend(SIMULATOR)
    circuit = bell()
    start = threading.Barrier(threads)
    deadline = time.monotonic() + limit

    def work() -> None:
        try:
            start.wait(30)
            job = backend.run(circuit, shots=8)
            remaining = max(1.0, deadline - time.monotonic())
            assert sum(job.result(timeout=remaining).get_counts().values()) == 8
            for _ in range(polls):
                job.status()
        except Exception as err:  # counted and reported
            failures[f"{type(err).__name__}: {err}"[:200]] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(max(0.1, deadline + 10 - time.monotonic()))
    finally:
        factory.disable_account()
    elapsed = time.monotonic() - started
    stuck = sum(worker.is_alive() for worker in workers)
    retried = [line for line in retries.lines if "; retry " in line]
    print(f"{threads} jobs, {sum(failures.values())} failures, {stuck} stuck, {elapsed:.1f} s")
    assert not failures and not stuck, dict(failures)
    assert not retried, retried[:5]


def test_a_result_refused_at_the_door_names_the_problem() -> None:
    report = _SCENARIOS["malformed_counts"]()
    assert "results[0].data.counts has '0xzz'" in str(report["detail"])
