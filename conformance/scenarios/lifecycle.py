"""Scenarios of a job's life: submit, wait (websocket or polling), results, failures."""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection
from typing import Any

from qiskit.providers import JobStatus

from ibmqjob import IBMQJobFailureError

from ..specs import DOCUMENTED_JOB_STATUSES, FINAL_JOB_STATUSES, schema_problems
from .base import ScenarioContext, ScenarioSkip, expect, expect_raises, fail
from .sdk import (
    bell,
    connect,
    oversized_circuit,
    simulator,
    submit,
    wait_final,
)
from .wire import WireClient

__all__ = [
    "partial_results",
    "result_download",
    "submit_and_wait_polling",
    "submit_and_wait_websocket",
    "validation_error",
]

_ERROR_CODE_SUFFIX = re.compile(r"Error code: \d{4}\.$")


def check_wire_status(
    wire: WireClient, job_id: str, expected: Collection[str] | None = None
) -> str:
    """Read a job's status over the wire and check it is a documented status string.

    Args:
        wire: A client of the job's owner.
        job_id: The job.
        expected: Statuses the job must be in, if known.

    Returns:
        The status string.
    """
    status = wire.job_status(job_id).get("status")
    expect(
        status in DOCUMENTED_JOB_STATUSES,
        f"getJobStatus answered status {status!r}, which is not a documented status"
        " (spec: ApiJobStatus)",
    )
    assert isinstance(status, str)
    if expected is not None:
        expect(status in expected, f"getJobStatus answered {status!r}, expected {sorted(expected)}")
    return status


def _check_bell_counts(ctx: ScenarioContext, result: Any, what: str) -> dict[str, int]:
    counts = dict(result.get_counts(0))
    expect(
        sum(counts.values()) == ctx.shots,
        f"{what}: the counts add up to {sum(counts.values())}, not the {ctx.shots} shots",
    )
    return counts


def _submit_and_wait(ctx: ScenarioContext, scenario: str, websocket: bool) -> None:
    backend = simulator(connect(ctx, websocket=websocket))
    job = submit(ctx, backend, bell(), job_tags=[ctx.tag(scenario)])
    seen: list[JobStatus] = []
    final = wait_final(ctx, job, callback=lambda job_id, status, job, **kw: seen.append(status))
    expect(final is JobStatus.DONE, f"the job ended {final.name}, not DONE")
    expect(JobStatus.DONE not in seen, "wait_for_final_state called back with the final status")
    with WireClient(ctx) as wire:
        check_wire_status(wire, job.job_id(), {"COMPLETED"})
    result = job.result()
    expect(result.success, "the result of a DONE job says success: false")
    expect(result.job_id == job.job_id(), f"the result is of job {result.job_id!r}")
    _check_bell_counts(ctx, result, "the result")
    ctx.note(f"statuses seen while waiting: {[s.name for s in seen]}")


def submit_and_wait_polling(ctx: ScenarioContext) -> None:
    """Submit a Bell circuit, wait by polling the job status, and check the result."""
    _submit_and_wait(ctx, "polling", websocket=False)


def submit_and_wait_websocket(ctx: ScenarioContext) -> None:
    """Submit a Bell circuit, wait on the status websocket, and check the result."""
    _submit_and_wait(ctx, "websocket", websocket=True)


def result_download(ctx: ScenarioContext) -> None:
    """Result and Qobj downloads: signed URLs, their scope, the download callback, caching."""
    job = submit(ctx, simulator(connect(ctx)), bell(), job_tags=[ctx.tag("results")])
    expect(wait_final(ctx, job) is JobStatus.DONE, "the job did not end DONE")
    first = _check_bell_counts(ctx, job.result(), "result()")
    again = _check_bell_counts(ctx, job.result(refresh=True), "result(refresh=True)")
    expect(first == again, f"result(refresh=True) gave {again}, the first download {first}")
    with WireClient(ctx) as wire:
        result_url = _signed_url(wire, job.job_id(), "/resultDownloadUrl", "getResultDownloadUrl")
        result = _download(ctx, wire, result_url, "downloadResult")
        problems = schema_problems(ctx.openapi, "Result", result)
        expect(not problems, f"the downloaded result does not match the spec: {problems}")
        expect(result.get("job_id") == job.job_id(), "the downloaded result names another job")
        acknowledged = wire.http.post(wire.job_path(job.job_id(), "/resultDownloaded"))
        expect(
            acknowledged.status_code == 200, f"resultDownloaded: HTTP {acknowledged.status_code}"
        )
        qobj_url = _signed_url(wire, job.job_id(), "/jobDownloadUrl", "getJobDownloadUrl")
        qobj = _download(ctx, wire, qobj_url, "downloadQobj")
        expect(isinstance(qobj, dict) and qobj.get("qobj_id"), "the downloaded Qobj has no qobj_id")
        _check_signature_scope(ctx, result_url, qobj_url)


def _signed_url(wire: WireClient, job_id: str, suffix: str, what: str) -> str:
    body = wire.get_json(wire.job_path(job_id, suffix), what)
    url = body.get("url") if isinstance(body, dict) else None
    expect(isinstance(url, str) and url, f"{what} answered without a `url`: {body!r:.200}")
    assert isinstance(url, str)
    return url


def _download(ctx: ScenarioContext, wire: WireClient, url: str, what: str) -> Any:
    # Signed URLs carry their own authorization: no token is sent.
    return wire.json_of(ctx.http_get(url), what)


def _check_signature_scope(ctx: ScenarioContext, result_url: str, qobj_url: str) -> None:
    """A signature is valid for one object only, and a tampered one is refused (403)."""
    result_query = result_url.partition("?")[2]
    crossed = qobj_url.partition("?")[0] + "?" + result_query
    response = ctx.http_get(crossed)
    expect(
        response.status_code == 403,
        f"the result URL's signature opened the Qobj (HTTP {response.status_code});"
        " signatures must be bound to one object",
    )
    tampered = re.sub(r"signature=[^&]*", "signature=0", result_url)
    response = ctx.http_get(tampered)
    expect(response.status_code == 403, f"a tampered signature got HTTP {response.status_code}")


def validation_error(ctx: ScenarioContext) -> None:
    """A job the backend refuses (too many shots) ends ERROR_VALIDATING_JOB with a coded error.

    The SDK refuses too many shots before anything is sent, so the Qobj of a valid job (its
    ``qobj()``, on every qiskit line) is raised afterwards and submitted again: the server
    must do its own validation.
    """
    backend = simulator(connect(ctx))
    shots = int(backend.configuration().max_shots) + 1
    source = submit(ctx, backend, bell(), job_tags=[ctx.tag("validation-source")])
    qobj = source.qobj()
    wait_final(ctx, source)
    qobj.config.shots = shots
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # a Qobj given to run()
        job = submit(ctx, backend, qobj, job_tags=[ctx.tag("validation")])
    expect(wait_final(ctx, job) is JobStatus.ERROR, f"a job of {shots} shots did not end ERROR")
    with WireClient(ctx) as wire:
        check_wire_status(wire, job.job_id(), {"ERROR_VALIDATING_JOB"})
        document = wire.get_json(wire.job_path(job.job_id(), "/v/1"), "getJob")
    error = document.get("error") if isinstance(document, dict) else None
    expect(isinstance(error, dict), "the failed job's document has no `error`")
    message = job.error_message() or ""
    expect(
        _ERROR_CODE_SUFFIX.search(message),
        f"the error message does not end with `Error code: NNNN.`: {message!r}",
    )
    with expect_raises(IBMQJobFailureError, "result() of a failed job did not raise"):
        job.result()


def partial_results(ctx: ScenarioContext) -> None:
    """A job with one impossible experiment fails, and its other experiment's result is kept."""
    backend = simulator(connect(ctx))
    n_qubits = int(backend.configuration().n_qubits)
    circuits = [bell(), oversized_circuit(n_qubits)]
    job = submit(ctx, backend, circuits, job_tags=[ctx.tag("partial")])
    final = wait_final(ctx, job)
    if final is JobStatus.DONE:
        raise ScenarioSkip(f"the server ran a {n_qubits}-qubit statevector; no partial result")
    expect(final is JobStatus.ERROR, f"the job ended {final.name}, not ERROR")
    with WireClient(ctx) as wire:
        check_wire_status(wire, job.job_id(), FINAL_JOB_STATUSES)
    with expect_raises(IBMQJobFailureError, "result() without partial=True did not raise"):
        job.result()
    result = job.result(partial=True)
    outcomes = [experiment.success for experiment in result.results]
    if outcomes != [True, False]:
        fail(f"the partial result's experiments succeeded as {outcomes}, expected [True, False]")
    _check_bell_counts(ctx, result, "the partial result")
    message = job.error_message() or ""
    expect("Experiment 1" in message, f"error_message() does not name experiment 1: {message!r}")
