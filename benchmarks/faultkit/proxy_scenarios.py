"""Fault scenarios for the fault run (``python -m benchmarks.faults``): the SDK's life cycle
(submit, wait, result) through the fault proxy, one fault pattern per scenario.

:func:`scenarios` lists them; each callable runs one bounded scenario against a reference
server (in a child process, started on first use and stopped by :func:`close`) and returns::

    {"correct": bool, "created_twice": int, "accepted_lost": int, "raw_exceptions": int,
     "late_calls": int, "detail": str}

``correct`` means the SDK did what it must under that fault: a correct result where the fault
can be ridden out, ``IBMQJobTimeoutError`` on time where the timeout must win, a documented
error saying what happened where the outcome is unknowable. The other counts are read from
the server around the proxy: jobs created twice by the SDK, accepted jobs it cancelled or
reported as failed, exceptions outside the documented tree, calls that returned later than
their timeout plus 1 s.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.faultkit.harness import FaultyServer, bell, faulty_server, unique_tag
from benchmarks.faultkit.proxy import Rule
from ibmqjob import IBMQError, IBMQJobTimeoutError
from ibmqjob.settings import HttpSettings, RetryPolicy, WebsocketPolicy

__all__ = ["close", "scenarios"]

MiB = 2**20
SHOTS = 100
SLACK = 1.0
CALLBACK = r"/Jobs/[0-9a-f]+/jobDataUploaded$"
CREATE = r"/Jobs$"
STATUS = r"/Jobs/[0-9a-f]+/status/v/1$"
JOB = r"/Jobs/[0-9a-f]+/v/1$"
UPLOAD = "/objectstorage/.*/qobj"
RESULT = "/objectstorage/.*/result"

Outcome = dict[str, object]


@dataclass(frozen=True)
class Scenario:
    """One fault pattern and what the SDK must do under it.

    Attributes:
        name: The scenario's name.
        rules: Builds the proxy rules (fresh ones for each run).
        expect: ``result`` (a correct result), ``timeout`` (``IBMQJobTimeoutError`` on
            time), ``submit_error`` (``run()`` raises a documented error that says what it
            knows) or ``error`` (``result()`` raises a documented error).
        timeout: The ``result()`` timeout.
        settings: Builds the account's settings.
        use_websocket: Whether jobs wait on the websocket.
        outage: Seconds of proxy outage started right after the submission.
        error_says: Text the error must contain (``expect`` of an error).
    """

    name: str
    rules: Callable[[], list[Rule]]
    expect: str = "result"
    timeout: float = 60.0
    settings: Callable[[], HttpSettings | None] = lambda: None
    use_websocket: bool = True
    outage: float = 0.0
    error_says: str = ""


@dataclass
class _Shared:
    lock: threading.Lock = field(default_factory=threading.Lock)
    stack: Any = None
    server: FaultyServer | None = None


_shared = _Shared()


def _server() -> FaultyServer:
    with _shared.lock:
        if _shared.server is None:
            # Jobs spend 0.3 s in each step: not final when the wait starts.
            manager = faulty_server(in_process=False, step_delay=0.3)
            _shared.server = manager.__enter__()
            _shared.stack = manager
            atexit.register(close)
        return _shared.server


def close() -> None:
    """Stop the server and the proxy the scenarios share (if started)."""
    with _shared.lock:
        if _shared.stack is not None:
            _shared.stack.__exit__(None, None, None)
        _shared.stack = _shared.server = None


def _run(scenario: Scenario) -> Outcome:
    faulty = _server()
    faulty.proxy.clear()
    rules = scenario.rules()
    faulty.proxy.add(*rules)
    tag = unique_tag(scenario.name)
    notes: list[str] = []
    raw = late = 0
    job = result = submit_error = wait_error = None
    try:
        with faulty.backend(scenario.settings(), use_websocket=scenario.use_websocket) as backend:
            try:
                job = backend.run(bell(), shots=SHOTS, seed_simulator=11, job_tags=[tag])
            except IBMQError as err:
                submit_error = err
            except Exception as err:  # an undocumented exception: counted
                raw += 1
                notes.append(f"raw {type(err).__name__} from run(): {err}")
            if scenario.outage:
                faulty.proxy.outage(scenario.outage)
            if job is not None:
                start = time.monotonic()
                try:
                    result = job.result(timeout=scenario.timeout, wait=0.2)
                except IBMQError as err:
                    wait_error = err
                except Exception as err:  # an undocumented exception: counted
                    raw += 1
                    notes.append(f"raw {type(err).__name__} from result(): {err}")
                took = time.monotonic() - start
                if took > scenario.timeout + SLACK:
                    late += 1
                    notes.append(f"result(timeout={scenario.timeout}) took {took:.1f} s")
    finally:
        faulty.proxy.clear()
    if scenario.outage or any(rule.outage and rule.applied for rule in rules):
        time.sleep(0.2)
        faulty.proxy.wait_up()  # the next scenario starts with the proxy up
    on_server = faulty.jobs_tagged(tag)
    created_twice = max(0, len(on_server) - 1)
    statuses = [faulty.wait_final(item["id"]) for item in on_server if item["status"] != "CREATING"]
    # A job the server accepted went past CREATING; cancelling one that never did is right.
    documents = [faulty.job_document(item["id"]) for item in on_server]
    accepted = [
        doc for doc in documents if set(doc.get("timePerStep") or {}) - {"CREATING", "CANCELLED"}
    ]
    accepted_lost = sum(1 for doc in accepted if doc["status"] == "CANCELLED")
    if submit_error is not None and statuses and "COMPLETED" in statuses:
        # An accepted job must be returned, or the error must name it and say it exists.
        job_id = on_server[0]["id"]
        if job_id not in submit_error.message or "exists" not in submit_error.message:
            accepted_lost += 1
    if wait_error is not None and not isinstance(wait_error, IBMQJobTimeoutError):
        if "COMPLETED" in statuses and scenario.expect == "result":
            accepted_lost += 1
    correct = _judge(scenario, result, submit_error, wait_error, notes)
    applied = sum(rule.applied for rule in rules)
    notes.append(f"faults applied {applied}, jobs on the server {len(on_server)}")
    return {
        "correct": correct,
        "created_twice": created_twice,
        "accepted_lost": accepted_lost,
        "raw_exceptions": raw,
        "late_calls": late,
        "detail": "; ".join(notes),
    }


def _judge(
    scenario: Scenario,
    result: Any,
    submit_error: IBMQError | None,
    wait_error: IBMQError | None,
    notes: list[str],
) -> bool:
    error = submit_error or wait_error
    if error is not None:
        notes.append(f"{type(error).__name__}: {error.message[:300]}")
    if scenario.expect == "result":
        if result is None:
            return False
        counts = result.get_counts()
        return set(counts) <= {"00", "11"} and sum(counts.values()) == SHOTS
    if scenario.expect == "timeout":
        return isinstance(wait_error, IBMQJobTimeoutError) or result is not None
    if scenario.expect == "submit_error":
        return submit_error is not None and scenario.error_says in submit_error.message
    return wait_error is not None and scenario.error_says in wait_error.message


def _fast_retries() -> HttpSettings:
    return HttpSettings(policy=RetryPolicy(backoff_factor=0.05))


def _all_scenarios() -> list[Scenario]:
    return [
        Scenario("callback-cut", lambda: [Rule("reset_response", method="POST", path=CALLBACK)]),
        Scenario("callback-truncated", lambda: [Rule("truncate", method="POST", path=CALLBACK)]),
        Scenario(
            "callback-502-after-acting",
            lambda: [Rule("status_after", method="POST", path=CALLBACK, status=502)],
        ),
        Scenario(
            "callback-cut-then-restart",
            lambda: [Rule("reset_response", method="POST", path=CALLBACK, outage=6.0)],
        ),
        Scenario(
            "upload-cut-then-restart",
            lambda: [Rule("reset_response", method="PUT", path=UPLOAD, outage=6.0)],
        ),
        Scenario(
            "callback-slow",
            lambda: [Rule("delay", method="POST", path=CALLBACK, seconds=2.0)],
        ),
        Scenario(
            "create-429-burst",
            lambda: [Rule("status_before", method="POST", path=CREATE, status=429, times=3)],
            settings=_fast_retries,
        ),
        Scenario(
            "create-502-after-acting",
            lambda: [Rule("status_after", method="POST", path=CREATE, status=502)],
            expect="submit_error",
            error_says="may have created a job",
        ),
        Scenario(
            "create-reset-mid-request",
            lambda: [Rule("reset_request", method="POST", path=CREATE)],
            expect="submit_error",
            error_says="may have created a job",
        ),
        Scenario(
            "upload-refused",
            lambda: [Rule("status_before", method="PUT", path=UPLOAD, status=403)],
            expect="submit_error",
            error_says="it was cancelled",
        ),
        Scenario(
            "status-slow-reply",
            lambda: [Rule("delay", method="GET", path=STATUS, seconds=20.0, times=None)],
            expect="timeout",
            timeout=3.0,
            use_websocket=False,
        ),
        Scenario(
            "status-trickled",
            lambda: [Rule("trickle", method="GET", path=STATUS, seconds=0.5, times=None)],
            expect="timeout",
            timeout=3.0,
            use_websocket=False,
        ),
        Scenario(
            "websocket-silent",
            lambda: [Rule("ws_silent", path="/ws/", frames=1, times=None)],
            settings=lambda: HttpSettings(websocket=WebsocketPolicy(silence_check=1.0)),
            timeout=30.0,
        ),
        Scenario(
            "websocket-silent-short-timeout",
            lambda: [Rule("ws_silent", path="/ws/", frames=1, times=None)],
            expect="timeout",
            timeout=2.0,
        ),
        Scenario(
            "websocket-frames-dropped",
            lambda: [Rule("ws_drop", path="/ws/", frames=1, times=None)],
            settings=lambda: HttpSettings(websocket=WebsocketPolicy(silence_check=1.0)),
            timeout=30.0,
        ),
        Scenario("outage-7s-while-waiting", lambda: [], outage=7.0, use_websocket=False),
        Scenario(
            "status-503-burst",
            lambda: [Rule("status_before", method="GET", path=STATUS, status=503, times=8)],
            use_websocket=False,
        ),
        Scenario(
            "reads-cut-mid-body",
            lambda: [
                Rule("truncate", method="GET", path=STATUS),
                Rule("reset_response", method="GET", path=JOB),
                Rule("truncate", method="GET", path=RESULT),
            ],
            use_websocket=False,
        ),
        Scenario(
            "reads-reset-mid-request",
            lambda: [Rule("reset_request", method="GET", path=STATUS, times=2)],
            use_websocket=False,
        ),
        Scenario(
            "result-huge-chunked",
            lambda: [Rule("huge", method="GET", path=RESULT, send=64 * MiB, announce=False)],
            settings=lambda: HttpSettings(max_result_bytes=8 * MiB),
            expect="error",
            error_says="max_result_bytes",
        ),
        Scenario(
            "status-huge-announced",
            lambda: [Rule("huge", method="GET", path=STATUS, size=500_000_000, send=16 * MiB)],
            use_websocket=False,
            expect="error",
            error_says="max_response_bytes",
        ),
    ]


def scenarios() -> list[tuple[str, Callable[[], Outcome]]]:
    """The proxy scenarios, as ``(name, run)`` pairs (see the module docstring)."""
    return [(s.name, lambda s=s: _run(s)) for s in _all_scenarios()]  # type: ignore[misc]
