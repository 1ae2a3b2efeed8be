"""Scenarios of the queue: queue information, cancelling, the concurrent job limit."""

from __future__ import annotations

from typing import Any

from qiskit.providers import JobStatus

from ibmqjob import IBMQBackendJobLimitError, IBMQJob, IBMQJobInvalidStateError

from ..schema_checks import JOB_LIMIT_CODE
from ..specs import DOCUMENTED_JOB_STATUSES, FINAL_JOB_STATUSES, schema_problems
from .base import ScenarioContext, ScenarioSkip, expect, expect_raises, fail, wait_until
from .lifecycle import check_wire_status
from .sdk import (
    bell,
    connect,
    connect_all,
    simulator,
    submit,
    wait_final,
)
from .wire import WireClient, error_code

__all__ = ["cancel_while_queued", "job_limit", "queue_information"]

_BEFORE_QUEUE = frozenset({"CREATING", "CREATED", "VALIDATING", "VALIDATED", "TRANSPILING"})
_LIMIT_AFFORDABLE = 10
_ATTEMPTS = 3


def _observe(ctx: ScenarioContext, wire: WireClient, job_id: str, seen: list[str]) -> str:
    """Poll a job's status once; check it and its queue information; return the status."""
    body = wire.job_status(job_id)
    status = body.get("status")
    expect(
        status in DOCUMENTED_JOB_STATUSES,
        f"getJobStatus answered status {status!r}, which is not a documented status",
    )
    assert isinstance(status, str)
    if "infoQueue" in body:
        expect(
            status == "QUEUED",
            f"getJobStatus sent infoQueue while the job was {status}; it is only sent while QUEUED",
        )
        problems = schema_problems(ctx.openapi, "InfoQueue", body["infoQueue"])
        expect(not problems, f"infoQueue does not match the spec: {problems}")
    if not seen or seen[-1] != status:
        seen.append(status)
    return status


def queue_information(ctx: ScenarioContext) -> None:
    """``infoQueue`` comes with QUEUED only, is well formed, and the job's queue info follows.

    A job may pass QUEUED between two polls; up to three jobs are followed to see one there.
    """
    backend = simulator(connect(ctx))
    with WireClient(ctx) as wire:
        for _ in range(_ATTEMPTS):
            seen = _follow_job(ctx, backend, wire)
            if "QUEUED" in seen:
                return
    raise ScenarioSkip(
        f"no job was seen QUEUED (statuses {seen}); give the server a longer step delay"
    )


def _follow_job(ctx: ScenarioContext, backend: Any, wire: WireClient) -> list[str]:
    """Submit a job and poll it to the end, checking every status; return the statuses seen."""
    job = submit(ctx, backend, bell(), job_tags=[ctx.tag("queue")])
    seen: list[str] = []
    positions: list[Any] = []

    def final() -> bool:
        status = _observe(ctx, wire, job.job_id(), seen)
        if status == "QUEUED" and job.status() is JobStatus.QUEUED:
            positions.append(job.queue_position())
        return status in FINAL_JOB_STATUSES

    wait_until(ctx, "the job to end", final)
    expect(wait_final(ctx, job) is JobStatus.DONE, "the job did not end DONE")
    expect(job.queue_info() is None, "a finished job still has queue information")
    ctx.note(f"statuses seen: {seen}; queue positions seen: {positions}")
    return seen


def _queued_job(ctx: ScenarioContext, backend: Any, wire: WireClient) -> IBMQJob:
    """Submit jobs until one is seen QUEUED (at most three); return it."""
    seen: list[str] = []
    for _ in range(_ATTEMPTS):
        job = submit(ctx, backend, bell(), job_tags=[ctx.tag("cancel")])
        seen = []
        if _status_past_validation(ctx, wire, job, seen) == "QUEUED":
            return job
        wait_final(ctx, job)
    raise ScenarioSkip(f"no job was seen QUEUED to cancel (the last went {seen})")


def _status_past_validation(
    ctx: ScenarioContext, wire: WireClient, job: IBMQJob, seen: list[str]
) -> str:
    """Poll a job until it is past CREATING and validation; return that status."""

    def probe() -> str | None:
        status = _observe(ctx, wire, job.job_id(), seen)
        return None if status in _BEFORE_QUEUE else status

    return str(wait_until(ctx, "the job to be QUEUED", probe))


def cancel_while_queued(ctx: ScenarioContext) -> None:
    """A queued job cancels, ends CANCELLED, has no result; a job in CREATING cancels too."""
    backend = simulator(connect(ctx))
    with WireClient(ctx) as wire:
        job = _queued_job(ctx, backend, wire)
        expect(job.cancel(), "cancel() of a QUEUED job returned False")
        final = wait_final(ctx, job)
        expect(final is JobStatus.CANCELLED, f"the cancelled job ended {final.name}")
        check_wire_status(wire, job.job_id(), {"CANCELLED"})
        with expect_raises(IBMQJobInvalidStateError, "result() of a cancelled job did not raise"):
            job.result()
        again = wire.http.post(wire.job_path(job.job_id(), "/cancel"))
        expect(
            again.status_code in (200, 409),
            f"cancelling a CANCELLED job again answered HTTP {again.status_code} (200 or 409)",
        )
        _cancel_in_creating(ctx, wire)


def _create_bare_job(wire: WireClient, backend_name: str, tag: str) -> Any:
    """``POST /Jobs`` without uploading a Qobj: the job stays CREATING (and active)."""
    return wire.http.post(
        wire.project_path("/Jobs"),
        json={"backend": {"name": backend_name}, "allowObjectStorage": True, "tags": [tag]},
    )


def _cancel_in_creating(ctx: ScenarioContext, wire: WireClient) -> None:
    created = wire.json_of(
        _create_bare_job(wire, wire.target.backend_name, ctx.tag("cancel")), "createJob"
    )
    job_id = created.get("id") if isinstance(created, dict) else None
    expect(isinstance(job_id, str), f"createJob answered without an `id`: {created!r:.200}")
    answer = wire.json_of(wire.http.post(wire.job_path(str(job_id), "/cancel")), "cancelJob")
    expect(
        isinstance(answer, dict) and answer.get("cancelled") is True,
        f"cancelling a job in CREATING answered {answer!r:.200}",
    )
    check_wire_status(wire, str(job_id), {"CANCELLED"})


def job_limit(ctx: ScenarioContext) -> None:
    """At the job limit, createJob answers 400 with code 3458 and ``run`` raises the limit error.

    The project with the smallest finite limit on its simulator is filled with jobs that stay
    in CREATING (created, never uploaded), which count as active; they are cancelled after.
    """
    chosen = _limited_project(ctx)
    if chosen is None:
        raise ScenarioSkip("no project of the user has a finite job limit on its simulator")
    provider, backend, maximum = chosen
    if maximum > _LIMIT_AFFORDABLE:
        raise ScenarioSkip(f"the job limit ({maximum}) is too high to reach in a test")
    wire = WireClient(ctx, project=(provider.hub, provider.group, provider.project))
    created: list[str] = []
    try:
        _fill_to_limit(ctx, wire, backend, maximum, created)
        refused = _create_bare_job(wire, backend.name(), ctx.tag("limit"))
        expect(
            refused.status_code == 400 and str(error_code(refused)) == str(JOB_LIMIT_CODE),
            f"createJob beyond the limit of {maximum} answered HTTP {refused.status_code}"
            f" {refused.text[:200]}; expected 400 with error code {JOB_LIMIT_CODE}",
        )
        with expect_raises(IBMQBackendJobLimitError, "run() beyond the job limit did not raise"):
            backend.run(bell(), shots=ctx.shots)
    finally:
        for job_id in created:
            wire.http.post(wire.job_path(job_id, "/cancel"))
        wire.close()
    ctx.note(f"limit {maximum} reached in {wire.prefix} on {backend.name()}")


def _limited_project(ctx: ScenarioContext) -> tuple[Any, Any, int] | None:
    best: tuple[Any, Any, int] | None = None
    for provider in connect_all(ctx):
        simulators = provider.backends(simulator=True)
        if not simulators:
            continue
        limit = simulators[0].job_limit()
        maximum = limit.maximum_jobs
        if maximum is not None and (best is None or maximum < best[2]):
            best = (provider, simulators[0], int(maximum))
    return best


def _fill_to_limit(
    ctx: ScenarioContext, wire: WireClient, backend: Any, maximum: int, created: list[str]
) -> None:
    active = backend.job_limit().active_jobs
    for _ in range(maximum - int(active or 0)):
        response = _create_bare_job(wire, backend.name(), ctx.tag("limit"))
        body = wire.json_of(response, "createJob below the job limit")
        created.append(str(body.get("id")))
    limit = backend.job_limit()
    if limit.active_jobs != maximum:
        fail(
            f"jobsLimit reports {limit.active_jobs} running jobs after filling the limit of"
            f" {maximum} (runningJobs must count the project's active jobs)"
        )
