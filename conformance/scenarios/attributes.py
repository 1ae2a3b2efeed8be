"""Scenarios of a job's attributes: name and tags, retrieval, backend properties."""

from __future__ import annotations

import warnings
from typing import Any

from qiskit import transpile
from qiskit.providers import JobStatus

from ibmqjob import IBMQBackendApiError, IBMQBackendError, IBMQJobApiError

from ..specs import schema_problems
from .base import ScenarioContext, expect, expect_raises, fail
from .outcomes import check_noisy_share
from .sdk import adopt, bell, connect, simulator, submit, wait_final
from .wire import UNKNOWN_JOB_ID, WireClient, error_code

__all__ = ["JOB_NOT_FOUND_CODE", "name_and_tags", "properties", "retrieval"]

JOB_NOT_FOUND_CODE = 3250


def _update(what: str, call: Any) -> Any:
    try:
        return call()
    except IBMQJobApiError as err:
        fail(f"updateJob: {what} failed: {err}")


def name_and_tags(ctx: ScenarioContext) -> None:
    """Names and tags: set at submission, renamed, tags replaced, added and removed, echoed."""
    tag = ctx.tag("attributes")
    provider = connect(ctx)
    backend = simulator(provider)
    job = submit(ctx, backend, bell(), job_name=f"{tag}-first", job_tags=[tag, "alpha"])
    stored = adopt(ctx, backend.retrieve_job(job.job_id()))
    expect(stored.name() == f"{tag}-first", f"the job was stored as named {stored.name()!r}")
    expect(set(stored.tags()) == {tag, "alpha"}, f"the job was stored tagged {stored.tags()}")
    renamed = _update("update_name", lambda: job.update_name(f"{tag}-renamed"))
    expect(renamed == f"{tag}-renamed", f"update_name returned {renamed!r}")
    steps: list[tuple[str, dict[str, Any], set[str]]] = [
        ("replace", {"replacement_tags": [tag, "beta"]}, {tag, "beta"}),
        ("add", {"additional_tags": ["gamma"]}, {tag, "beta", "gamma"}),
        ("remove", {"removal_tags": ["beta"]}, {tag, "gamma"}),
        (
            "replace, add and remove",
            {"replacement_tags": [tag, "x"], "additional_tags": ["y"], "removal_tags": ["x"]},
            {tag, "y"},
        ),
    ]
    for label, change, expected in steps:
        tags = _update(f"update_tags ({label})", lambda change=change: job.update_tags(**change))
        expect(set(tags) == expected, f"update_tags ({label}) gave {tags}, expected {expected}")
    with WireClient(ctx) as wire:
        _check_echo(wire, job.job_id(), {"tags": [tag]}, "tags", [tag])
        _check_echo(wire, job.job_id(), {"name": ""}, "name", "")
        document = wire.get_json(wire.job_path(job.job_id(), "/v/1"), "getJob")
    expect(document.get("tags") == [tag], f"getJob shows tags {document.get('tags')!r}")
    expect(document.get("name") == "", f"getJob shows name {document.get('name')!r}")
    wait_final(ctx, job)


def _check_echo(wire: WireClient, job_id: str, body: dict[str, Any], key: str, value: Any) -> None:
    echoed = wire.json_of(wire.http.put(wire.job_path(job_id), json=body), "updateJob")
    got = echoed.get(key) if isinstance(echoed, dict) else None
    same = set(got) == set(value) if key == "tags" and isinstance(got, list) else got == value
    expect(same, f"updateJob with {body} echoed {key}={got!r}; the updated value must be echoed")


def retrieval(ctx: ScenarioContext) -> None:
    """A job retrieved by id equals the submitted one; unknown ids are 404 with code 3250."""
    tag = ctx.tag("retrieval")
    provider = connect(ctx)
    backend = simulator(provider)
    job = submit(ctx, backend, bell(), job_name=f"{tag}-job", job_tags=[tag])
    expect(wait_final(ctx, job) is JobStatus.DONE, "the job did not end DONE")
    counts = job.result().get_counts()
    again = adopt(ctx, provider.retrieve_job(job.job_id()))
    for what, mine, theirs in (
        ("id", job.job_id(), again.job_id()),
        ("name", job.name(), again.name()),
        ("tags", sorted(job.tags()), sorted(again.tags())),
        ("creation date", job.creation_date(), again.creation_date()),
        ("status", JobStatus.DONE, again.status()),
        ("backend", backend.name(), again.backend().name()),
        ("counts", counts, again.result().get_counts()),
    ):
        expect(mine == theirs, f"the retrieved job's {what} is {theirs!r}, not {mine!r}")
    steps = again.time_per_step() or {}
    expect("COMPLETED" in steps, f"time_per_step() lacks COMPLETED: {sorted(steps)}")
    with expect_raises(IBMQBackendApiError, "retrieving an unknown job id did not fail"):
        provider.retrieve_job(UNKNOWN_JOB_ID)
    others = [b for b in provider.backends() if b.name() != backend.name()]
    if others:
        # The SDK warns, as the original did, before it refuses: the warning is expected here.
        with (
            warnings.catch_warnings(),
            expect_raises(IBMQBackendError, "another backend's retrieve_job returned the job"),
        ):
            warnings.simplefilter("ignore", UserWarning)
            others[0].retrieve_job(job.job_id())
    with WireClient(ctx) as wire:
        response = wire.http.get(wire.job_path(UNKNOWN_JOB_ID, "/v/1"))
    expect(
        response.status_code == 404 and error_code(response) == JOB_NOT_FOUND_CODE,
        f"getJob of an unknown id answered HTTP {response.status_code} code"
        f" {error_code(response)!r}; expected 404 with code {JOB_NOT_FOUND_CODE}",
    )


def properties(ctx: ScenarioContext) -> None:
    """Backend calibrations, calibrations at a date, and the calibration a job ran with."""
    provider = connect(ctx)
    devices = [b for b in provider.backends() if not b.configuration().simulator]
    with WireClient(ctx) as wire:
        for backend in provider.backends():
            body = wire.get_json(
                wire.project_path(f"/devices/{backend.name()}/properties"),
                "getDeviceProperties",
                version=1,
            )
            problems = schema_problems(ctx.openapi, "BackendProperties", body)
            expect(not problems, f"properties of {backend.name()}: {problems}")
    if not devices:
        ctx.note("no device backend: only simulator properties were checked")
        return
    device = devices[0]
    calibration = device.properties()
    if calibration is None:
        fail(f"{device.name()} has no properties")
    expect(
        calibration.backend_name == device.name(),
        f"the properties of {device.name()} name {calibration.backend_name!r}",
    )
    earlier = device.properties(refresh=True, datetime=calibration.last_update_date)
    expect(
        earlier is None or earlier.last_update_date <= calibration.last_update_date,
        "properties(datetime=...) returned a calibration newer than the date",
    )
    circuit = transpile(bell(), backend=device, seed_transpiler=1)
    job = submit(ctx, device, circuit, job_tags=[ctx.tag("properties")])
    final = wait_final(ctx, job)
    expect(final is JobStatus.DONE, f"a job on {device.name()} ended {final.name}")
    check_noisy_share(job.result().get_counts(), ("00", "11"), f"a Bell pair on {device.name()}")
    used = job.properties()
    if used is None:
        fail("job.properties() of a job run on a device is None")
    expect(used.backend_name == device.name(), f"job.properties() names {used.backend_name!r}")
