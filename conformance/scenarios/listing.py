"""Scenario of job listings: filters, order, limits, and paging with the legacy cursor."""

from __future__ import annotations

import json
from typing import Any

from qiskit.providers import JobStatus

from ibmqjob import IBMQJob

from ..instants import is_rfc3339
from ..specs import schema_problems
from .base import ScenarioContext, expect, fail
from .sdk import bell, connect, simulator, submit_within_limit, wait_final
from .wire import WireClient

__all__ = ["listing_pages"]

_JOBS = 7
_PAGE = 3


def listing_pages(ctx: ScenarioContext) -> None:
    """Seven tagged jobs, listed through the SDK and with the original client's cursor paging."""
    tag = ctx.tag("listing")
    backend = simulator(connect(ctx))
    jobs: list[IBMQJob] = []
    for index in range(_JOBS):
        job = submit_within_limit(
            ctx, backend, bell(), jobs, job_name=f"{tag}-{index}", job_tags=[tag]
        )
        jobs.append(job)
    for job in jobs:
        expect(wait_final(ctx, job) is JobStatus.DONE, f"job {job.job_id()} did not end DONE")
    submitted = {job.job_id() for job in jobs}
    newest_first = _check_sdk_listing(backend, tag, submitted)
    _check_filters(backend, tag, newest_first)
    with WireClient(ctx) as wire:
        _check_legacy_paging(ctx, wire, tag, newest_first)
        _check_projection(wire, tag, submitted)


def _ids(jobs: list[IBMQJob]) -> list[str]:
    return [job.job_id() for job in jobs]


def _check_sdk_listing(backend: Any, tag: str, submitted: set[str]) -> list[str]:
    listed = backend.jobs(limit=None, job_tags=[tag])
    ids = _ids(listed)
    expect(len(ids) == len(set(ids)), f"jobs() listed a job twice: {ids}")
    expect(set(ids) == submitted, f"jobs() listed {len(ids)} of the {len(submitted)} tagged jobs")
    dates = [job.creation_date() for job in listed]
    expect(dates == sorted(dates, reverse=True), "listJobs is not ordered newest first")
    ascending = _ids(backend.jobs(limit=None, job_tags=[tag], descending=False))
    expect(ascending == ids[::-1], "listJobs with `creationDate ASC` is not the reverse order")
    first = _ids(backend.jobs(limit=_PAGE, job_tags=[tag]))
    expect(first == ids[:_PAGE], f"jobs(limit={_PAGE}) gave {first}, not the newest {_PAGE}")
    second = _ids(backend.jobs(limit=_PAGE, skip=_PAGE, job_tags=[tag]))
    expect(second == ids[_PAGE : 2 * _PAGE], "jobs(skip=...) did not give the next jobs")
    return ids


def _check_filters(backend: Any, tag: str, newest_first: list[str]) -> None:
    named = backend.jobs(limit=None, job_name=f"{tag}-[0-2]$")
    names = sorted(job.name() for job in named)
    expect(names == [f"{tag}-{i}" for i in range(3)], f"a job name regex matched {names}")
    done = _ids(backend.jobs(limit=None, job_tags=[tag], status=JobStatus.DONE))
    expect(set(done) == set(newest_first), f"status=DONE listed {len(done)} of {_JOBS} jobs")
    queued = backend.jobs(limit=None, job_tags=[tag], status=JobStatus.QUEUED)
    expect(not queued, f"status=QUEUED listed finished jobs: {_ids(queued)}")
    both = _ids(backend.jobs(limit=None, job_tags=[tag, "no-such-tag"], job_tags_operator="AND"))
    expect(not both, f"tags AND with a missing tag listed {both}")


def _check_legacy_paging(
    ctx: ScenarioContext, wire: WireClient, tag: str, newest_first: list[str]
) -> None:
    """Page as qiskit-ibmq-provider 0.8+ does: ``creationDate`` cursor, last id excluded.

    That client excludes only the last job of a page, so jobs sharing a creation date at a page
    boundary come back twice unless the server keeps millisecond precision (reference 8.3).
    """
    seen: list[str] = []
    where: dict[str, Any] = {"tags": tag}
    for _ in range(_JOBS + 2):
        page = wire.list_jobs({"order": "creationDate DESC", "limit": _PAGE, "where": where})
        if not page:
            break
        for item in page:
            problems = schema_problems(ctx.openapi, "Job", item)
            expect(not problems, f"listJobs item does not match the spec: {problems}")
            if item["id"] in seen:
                fail(
                    f"listJobs paging with the legacy cursor returned job {item['id']} twice"
                    f" (creationDate {item['creationDate']}): creation dates must keep"
                    " millisecond precision so that the cursor moves on"
                )
            seen.append(item["id"])
        last = page[-1]
        where = {
            "tags": tag,
            "creationDate": {"lte": last["creationDate"]},
            "id": {"nin": [last["id"]]},
        }
    expect(seen == newest_first, f"legacy paging listed {seen}, expected {newest_first}")
    for item in wire.list_jobs({"where": {"tags": tag}, "limit": _JOBS}):
        _check_instant(item.get("creationDate"))


def _check_instant(value: object) -> None:
    # Any RFC 3339 offset is legal (the instant counts, not the spelling); the fraction is
    # what keeps the legacy cursor moving (reference 8.3).
    if not is_rfc3339(value):
        fail(f"creationDate {value!r} is not an RFC 3339 date-time (spec: format date-time)")
    expect("." in str(value), f"creationDate {value!r} has no fraction of a second (milliseconds)")


def _check_projection(wire: WireClient, tag: str, submitted: set[str]) -> None:
    body = wire.get_json(
        wire.project_path("/Jobs/v/1"),
        "listJobIds",
        filter=json.dumps({"where": {"tags": tag}, "fields": {"id": True, "creationDate": True}}),
    )
    expect(isinstance(body, list), "listJobIds did not answer a list")
    ids = {item.get("id") for item in body if isinstance(item, dict)}
    expect(ids == submitted, f"listJobIds listed {len(ids)} of the {len(submitted)} tagged jobs")
