"""Hostile scenarios: each runs the public SDK against a :class:`HostileServer` and judges it.

:func:`scenarios` returns ``(name, run)`` pairs. ``run()`` starts a hostile server on
loopback, drives one bounded piece of the SDK's life cycle through it (every blocking call
with a timeout) and returns::

    {"correct": bool,          # the SDK answered as documented
     "created_twice": int,     # jobs the server created beyond one per run() call
     "accepted_lost": int,     # accepted jobs the SDK cancelled or reported as failed
     "raw_exceptions": int,    # exceptions escaping that are not ibmqjob's documented ones
     "late_calls": int,        # calls that returned more than 1 s after their timeout
     "detail": str}            # what happened

"Documented" means an :class:`ibmqjob.exceptions.IBMQError` of the class the SDK documents
for that call, with a message saying what was wrong; a ``Result`` the SDK returns must also
answer ``get_counts()`` and ``to_dict()`` without raising.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from qiskit import QuantumCircuit

from benchmarks.faultkit.hostile import API_TOKEN, DEVICE, HostileServer
from ibmqjob import (
    AccountProvider,
    IBMQAccountCredentialsInvalidUrl,
    IBMQBackendApiError,
    IBMQError,
    IBMQFactory,
    IBMQJobApiError,
    RequestsApiError,
)
from ibmqjob.settings import HttpSettings, RetryPolicy, WebsocketPolicy

__all__ = ["Outcome", "scenarios"]

TIMEOUT = 20.0
"""Timeout of every blocking call of a scenario, in seconds."""

SETTINGS = HttpSettings(
    read_timeout=10.0,
    policy=RetryPolicy(total=2, backoff_factor=0.05),
    websocket=WebsocketPolicy(retries=2, backoff_factor=0.05),
)
"""Quick retries and reconnections, so that a scenario of server errors stays short."""

_LOGGERS = ("ibmqjob", "httpx", "httpcore", "websockets")


def _bell() -> QuantumCircuit:
    circuit = QuantumCircuit(2, 2, name="bell")
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


@dataclass
class Outcome:
    """What a scenario saw; :meth:`report` is the dict :func:`scenarios` promises."""

    correct: bool = True
    runs: int = 0
    failed_runs: int = 0
    raw_exceptions: int = 0
    late_calls: int = 0
    notes: list[str] = field(default_factory=list)

    def wrong(self, note: str) -> None:
        """Record that the SDK did not answer as documented."""
        self.correct = False
        self.notes.append(note)

    def call(self, what: str, func: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
        """Run one SDK call, timing it; return its value or the exception it raised."""
        started = time.monotonic()
        try:
            value: Any = func()
        except Exception as err:  # judged below: documented or raw
            value = err
            if not isinstance(err, IBMQError):
                self.raw_exceptions += 1
                self.wrong(f"{what} raised a raw {type(err).__name__}: {err}"[:300])
        elapsed = time.monotonic() - started
        if elapsed > timeout + 1.0:
            self.late_calls += 1
            self.wrong(f"{what} took {elapsed:.1f} s with a {timeout:.0f} s timeout")
        return value

    def expect_error(
        self, what: str, value: object, kind: type[BaseException], fragment: str
    ) -> None:
        """Require ``value`` to be a ``kind`` error whose message holds ``fragment``."""
        if not isinstance(value, kind):
            self.wrong(f"{what}: expected {kind.__name__}, got {type(value).__name__}: {value}")
        elif fragment.lower() not in str(value).lower():
            self.wrong(f"{what}: the message does not say {fragment!r}: {value}"[:300])
        else:
            self.notes.append(f"{what}: {kind.__name__} ({str(value)[:120]})")

    def expect_bell(self, what: str, value: object, shots: int) -> None:
        """Require ``value`` to be a result of the hostile server's Bell counts."""
        if isinstance(value, BaseException):
            self.wrong(f"{what}: expected a result, got {type(value).__name__}: {value}"[:300])
            return
        try:
            counts = value.get_counts()  # type: ignore[attr-defined]
            value.to_dict()  # type: ignore[attr-defined]
        except Exception as err:
            self.raw_exceptions += 1
            self.wrong(f"{what}: the returned Result fails later: {type(err).__name__}: {err}")
            return
        expected = {"00": shots // 2, "11": shots - shots // 2}
        if counts != expected:
            self.wrong(f"{what}: counts {counts}, expected {expected}")
        else:
            self.notes.append(f"{what}: counts {counts}")

    def report(self, server: HostileServer | None) -> dict[str, object]:
        """The scenario's figures (server counters when there was a server)."""
        created = accepted = cancels = 0
        if server is not None:
            created, accepted = server.counts["create"], server.counts["accepted"]
            cancels = sum(1 for job in server.jobs.values() if job.cancelled)
        created_twice = max(0, created - self.runs)
        accepted_lost = cancels + max(
            0, min(self.failed_runs, accepted - (self.runs - self.failed_runs))
        )
        if created_twice or accepted_lost:
            self.correct = False
        return {
            "correct": self.correct,
            "created_twice": created_twice,
            "accepted_lost": accepted_lost,
            "raw_exceptions": self.raw_exceptions,
            "late_calls": self.late_calls,
            "detail": "; ".join(self.notes)[:2000],
        }


@contextlib.contextmanager
def _account(
    server: HostileServer, outcome: Outcome, token: str = API_TOKEN
) -> Iterator[AccountProvider | None]:
    factory = IBMQFactory()
    provider = outcome.call(
        "enable_account",
        lambda: factory.enable_account(token, server.auth_url, http_settings=SETTINGS),
    )
    if not isinstance(provider, AccountProvider):
        yield None
        return
    try:
        yield provider
    finally:
        factory.disable_account()


def _run(outcome: Outcome, provider: AccountProvider, shots: int = 64) -> Any:
    backend = provider.get_backend("ibmq_qasm_simulator")
    outcome.runs += 1
    job = outcome.call("run()", lambda: backend.run(_bell(), shots=shots))
    if isinstance(job, BaseException):
        outcome.failed_runs += 1
        outcome.notes.append(f"run() raised {type(job).__name__}: {job}"[:300])
    return job


def _scenario(mode: str, body: Callable[[HostileServer, Outcome], None]) -> dict[str, object]:
    outcome = Outcome()
    with HostileServer(mode, lifetime=90.0) as server:
        try:
            body(server, outcome)
        except Exception as err:  # a bug of the scenario itself, or an unguarded SDK call
            outcome.raw_exceptions += 1
            outcome.wrong(f"unguarded {type(err).__name__}: {err}"[:300])
        return outcome.report(server)


def _result_error(mode: str, fragment: str) -> Callable[[], dict[str, object]]:
    """A job whose result the server spoils: ``result()`` raises IBMQJobApiError."""

    def body(server: HostileServer, outcome: Outcome) -> None:
        with _account(server, outcome) as provider:
            if provider is None:
                return
            job = _run(outcome, provider)
            if isinstance(job, BaseException):
                return
            value = outcome.call("result()", lambda: job.result(timeout=TIMEOUT))
            outcome.expect_error("result()", value, IBMQJobApiError, fragment)

    return lambda: _scenario(mode, body)


def _document_error(mode: str, fragment: str) -> Callable[[], dict[str, object]]:
    """A job whose final document the server spoils: ``result()`` (which does not need it)
    works, ``refresh()`` raises IBMQJobApiError."""

    def body(server: HostileServer, outcome: Outcome) -> None:
        with _account(server, outcome) as provider:
            if provider is None:
                return
            job = _run(outcome, provider)
            if isinstance(job, BaseException):
                return
            result = outcome.call("result()", lambda: job.result(timeout=TIMEOUT))
            if isinstance(result, BaseException):
                outcome.wrong(f"result() raised {type(result).__name__}: {result}"[:300])
            value = outcome.call("refresh()", job.refresh)
            outcome.expect_error("refresh()", value, IBMQJobApiError, fragment)

    return lambda: _scenario(mode, body)


def _status_error(mode: str, fragment: str) -> Callable[[], dict[str, object]]:
    """A job whose status the server spoils: ``status()`` raises IBMQJobApiError."""

    def body(server: HostileServer, outcome: Outcome) -> None:
        with _account(server, outcome) as provider:
            if provider is None:
                return
            job = _run(outcome, provider)
            if isinstance(job, BaseException):
                return
            value = outcome.call("status()", job.status)
            outcome.expect_error("status()", value, IBMQJobApiError, fragment)

    return lambda: _scenario(mode, body)


def _completes(mode: str, jobs: int = 1) -> Callable[[], dict[str, object]]:
    """The server misbehaves, but the SDK can still deliver the right result."""

    def body(server: HostileServer, outcome: Outcome) -> None:
        with _account(server, outcome) as provider:
            if provider is None:
                return
            for index in range(jobs):
                job = _run(outcome, provider, shots=64 + index)
                if isinstance(job, BaseException):
                    continue
                value = outcome.call("result()", functools.partial(job.result, timeout=TIMEOUT))
                outcome.expect_bell("result()", value, 64 + index)
        if mode == "expire_token" and server.counts["login"] < 2:
            outcome.wrong(f"the access token expired but only {server.counts['login']} login(s)")

    return lambda: _scenario(mode, body)


def _backend_error(mode: str, call: str, fragment: str) -> Callable[[], dict[str, object]]:
    def body(server: HostileServer, outcome: Outcome) -> None:
        with _account(server, outcome) as provider:
            if provider is None:
                return
            backend = provider.get_backend(
                DEVICE if call == "properties" else "ibmq_qasm_simulator"
            )
            func = backend.properties if call == "properties" else lambda: backend.jobs(limit=5)
            value = outcome.call(f"backend.{call}()", func)
            outcome.expect_error(f"backend.{call}()", value, IBMQBackendApiError, fragment)

    return lambda: _scenario(mode, body)


def _revoked() -> dict[str, object]:
    def body(server: HostileServer, outcome: Outcome) -> None:
        with _account(server, outcome) as provider:
            if provider is None:
                return
            backend = provider.get_backend("ibmq_qasm_simulator")
            value: Any = None
            for _ in range(6):  # the first access token serves a few requests, then expires
                value = outcome.call("backend.jobs()", lambda: backend.jobs(limit=1))
                if isinstance(value, BaseException):
                    break
            outcome.expect_error("backend.jobs()", value, IBMQBackendApiError, "API token")

    return _scenario("revoke_token", body)


def _version_html() -> dict[str, object]:
    def body(server: HostileServer, outcome: Outcome) -> None:
        factory = IBMQFactory()
        value = outcome.call(
            "enable_account",
            lambda: factory.enable_account(API_TOKEN, server.auth_url, http_settings=SETTINGS),
        )
        outcome.expect_error(
            "enable_account", value, IBMQAccountCredentialsInvalidUrl, "authentication service"
        )

    return _scenario("version_html", body)


def _unreachable() -> dict[str, object]:
    outcome = Outcome()
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    factory = IBMQFactory()
    value = outcome.call(
        "enable_account", lambda: factory.enable_account(API_TOKEN, url, http_settings=SETTINGS)
    )
    outcome.expect_error("enable_account", value, RequestsApiError, f"cannot reach {url}")
    return outcome.report(None)


def _signed_url_logs() -> dict[str, object]:
    """A whole life cycle with every logger at DEBUG: no token or signature in any record."""

    def body(server: HostileServer, outcome: Outcome) -> None:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        saved = []
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            saved.append((logger, logger.level))
            logger.setLevel(logging.DEBUG)
            logger.addHandler(handler)
        try:
            with _account(server, outcome) as provider:
                if provider is None:
                    return
                job = _run(outcome, provider)
                if isinstance(job, BaseException):
                    return
                value = outcome.call("result()", lambda: job.result(timeout=TIMEOUT))
                outcome.expect_bell("result()", value, 64)
                provider.get_backend("ibmq_qasm_simulator").jobs(limit=2)
        finally:
            for logger, level in saved:
                logger.removeHandler(handler)
                logger.setLevel(level)
        text = stream.getvalue()
        secrets = [API_TOKEN, *server.access_tokens, *server.signatures]
        leaks = [secret for secret in secrets if secret in text]
        if not server.signatures or "signature=..." not in text:
            outcome.wrong("the life cycle logged no signed URL: nothing was checked")
        if leaks:
            outcome.wrong(f"{len(leaks)} of {len(secrets)} secrets appear in the log records")
        else:
            outcome.notes.append(
                f"{text.count(chr(10))} log records, {len(secrets)} secrets, none leaked"
            )

    return _scenario("none", body)


def scenarios() -> list[tuple[str, Callable[[], dict[str, object]]]]:
    """Every hostile scenario, by name (see the module docstring for the dict returned)."""
    return [
        ("well_behaved", _completes("none")),
        ("nested_result", _result_error("nested_result", "nested too deeply")),
        ("nested_result_header", _result_error("nested_result_header", "nested more than")),
        ("nested_status", _status_error("nested_status", "nested too deeply")),
        ("nested_error_body", _status_error("nested_error", "500")),
        ("nested_websocket_frames", _completes("nested_ws")),
        ("nested_job_listing", _backend_error("nested_jobs", "jobs", "nested too deeply")),
        ("nested_properties", _backend_error("nested_properties", "properties", "nested")),
        ("wrong_type_status", _status_error("wrong_type_status", "42")),
        ("missing_fields_job", _document_error("missing_fields_job", "job document")),
        ("malformed_counts", _result_error("malformed_counts", "counts")),
        ("malformed_shots", _result_error("malformed_shots", "success")),
        ("malformed_memory", _result_error("malformed_memory", "memory")),
        ("result_not_object", _result_error("result_not_object", "not a JSON object")),
        ("garbage_websocket_frames", _completes("garbage_ws")),
        ("redirect_loop", _status_error("redirect_loop", "302")),
        # Announced above the result cap: refused before any of it is buffered.
        ("truncated_huge_result", _result_error("truncated_huge", "max_result_bytes")),
        ("expired_access_token", _completes("expire_token", jobs=3)),
        ("revoked_api_token", _revoked),
        ("version_not_json", _version_html),
        ("unreachable_server", _unreachable),
        ("signed_url_logs", _signed_url_logs),
    ]


if __name__ == "__main__":
    for scenario_name, run in scenarios():
        started = time.monotonic()
        print(f"{scenario_name:28} {run()} ({time.monotonic() - started:.1f} s)", flush=True)
