"""Scenario of what each operation does, seen from the other operations.

An answer of the right shape is not enough: after an update the job must read back updated
and be found by its new name and tags; after a cancel it is ``CANCELLED`` everywhere; after a
delete it is gone from every operation; a listing honours every part of its filter (``where``
on tags, status, name and creation date, ``order``, ``limit``, ``skip``). Creation dates are
compared as instants, and a date filter is written with a non-UTC offset: the contract is
RFC 3339, whatever the offset.
"""

from __future__ import annotations

import json
from typing import Any

from qiskit.providers import JobStatus

from ..instants import instant, spell_with_offset
from .attributes import JOB_NOT_FOUND_CODE
from .base import ScenarioContext, expect
from .sdk import bell, connect, simulator, submit, wait_final
from .wire import WireClient, error_code

__all__ = ["operation_effects"]

_DONE = 3


def operation_effects(ctx: ScenarioContext) -> None:
    """Update, cancel, delete, filters, order, limit and skip change what the others see."""
    tag = ctx.tag("effects")
    backend = simulator(connect(ctx, websocket=False))
    jobs = [
        submit(ctx, backend, bell(), job_name=f"{tag}-{index}", job_tags=[tag])
        for index in range(_DONE)
    ]
    for job in jobs:
        expect(wait_final(ctx, job) is JobStatus.DONE, f"job {job.job_id()} did not end DONE")
    with WireClient(ctx) as wire:
        cancelled = _cancelled_job(wire, tag)
        listed = _check_listing(wire, tag, {job.job_id() for job in jobs}, cancelled)
        _check_update(wire, tag, listed[0])
        _check_delete(wire, tag, cancelled)


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [str(item.get("id")) for item in items]


def _cancelled_job(wire: WireClient, tag: str) -> str:
    created = wire.json_of(
        wire.http.post(
            wire.project_path("/Jobs"),
            json={
                "backend": {"name": wire.target.backend_name},
                "allowObjectStorage": True,
                "name": f"{tag}-cancelled",
                "tags": [tag],
            },
        ),
        "createJob",
    )
    job_id = str(created.get("id"))
    wire.json_of(wire.http.post(wire.job_path(job_id, "/cancel")), "cancelJob")
    for what, body in (
        ("getJobStatus", wire.job_status(job_id)),
        ("getJob", wire.get_json(wire.job_path(job_id, "/v/1"), "getJob")),
    ):
        expect(
            body.get("status") == "CANCELLED",
            f"after cancelJob answered 200, {what} shows status {body.get('status')!r},"
            " not CANCELLED",
        )
    return job_id


def _check_listing(
    wire: WireClient, tag: str, done: set[str], cancelled: str
) -> list[dict[str, Any]]:
    """Every part of a listing filter has its effect; returns the tagged jobs newest first."""
    where: dict[str, Any] = {"tags": tag}
    newest = wire.list_jobs({"where": where, "order": "creationDate DESC", "limit": 50})
    ids = _ids(newest)
    expect(
        set(ids) == done | {cancelled} and len(ids) == len(set(ids)),
        f"where.tags={tag!r} listed {ids}; expected exactly {sorted(done | {cancelled})}",
    )
    moments = [instant(item.get("creationDate")) for item in newest]
    expect(
        moments == sorted(moments, reverse=True),
        f"order `creationDate DESC` listed creation dates {[str(m) for m in moments]}"
        " (compared as instants), not newest first",
    )
    oldest = _ids(wire.list_jobs({"where": where, "order": "creationDate ASC", "limit": 50}))
    expect(oldest == ids[::-1], f"order `creationDate ASC` listed {oldest}, not {ids[::-1]}")
    page = _ids(wire.list_jobs({"where": where, "order": "creationDate DESC", "limit": 2}))
    expect(page == ids[:2], f"limit 2 listed {page}, not the first two {ids[:2]}")
    skipped = wire.list_jobs({"where": where, "order": "creationDate DESC", "skip": 1, "limit": 2})
    expect(_ids(skipped) == ids[1:3], f"skip 1, limit 2 listed {_ids(skipped)}, not {ids[1:3]}")
    by_status = _ids(wire.list_jobs({"where": {"tags": tag, "status": "CANCELLED"}}))
    expect(by_status == [cancelled], f"where.status CANCELLED listed {by_status}")
    by_name = _ids(wire.list_jobs({"where": {"tags": tag, "name": {"regexp": "-1$"}}}))
    named = [item["id"] for item in newest if item.get("name") == f"{tag}-1"]
    expect(by_name == named, f"where.name regexp `-1$` listed {by_name}, not {named}")
    _check_date_filter(wire, tag, newest, moments)
    return newest


def _check_date_filter(
    wire: WireClient, tag: str, newest: list[dict[str, Any]], moments: list[Any]
) -> None:
    """``creationDate gte`` an instant written at +05:30 keeps exactly the jobs not older."""
    pivot = moments[len(moments) // 2]
    expected = [item["id"] for item, moment in zip(newest, moments, strict=True) if moment >= pivot]
    spelled = spell_with_offset(pivot, 330)
    got = _ids(
        wire.list_jobs(
            {"where": {"tags": tag, "creationDate": {"gte": spelled}}, "order": "creationDate DESC"}
        )
    )
    expect(
        got == expected,
        f"where.creationDate gte {spelled} (the instant {pivot.isoformat()}) listed {got};"
        f" expected {expected}: dates in filters are instants, whatever their offset",
    )


def _check_update(wire: WireClient, tag: str, job: dict[str, Any]) -> None:
    job_id = str(job["id"])
    name, new_tag = f"{tag}-renamed", f"{tag}-retagged"
    for body in ({"name": name}, {"tags": [tag, new_tag]}):
        wire.json_of(wire.http.put(wire.job_path(job_id), json=body), "updateJob")
    document = wire.get_json(wire.job_path(job_id, "/v/1"), "getJob")
    expect(
        document.get("name") == name and set(document.get("tags") or ()) == {tag, new_tag},
        f"after updateJob, getJob shows name {document.get('name')!r} and tags"
        f" {document.get('tags')!r}; expected {name!r} and {[tag, new_tag]}",
    )
    found = _ids(wire.list_jobs({"where": {"tags": new_tag}}))
    expect(found == [job_id], f"listJobs by the new tag {new_tag!r} found {found}, not the job")
    found = _ids(wire.list_jobs({"where": {"tags": tag, "name": name}}))
    expect(found == [job_id], f"listJobs by the new name {name!r} found {found}, not the job")


def _check_delete(wire: WireClient, tag: str, job_id: str) -> None:
    wire.json_of(wire.http.delete(wire.job_path(job_id)), "deleteJob")
    for what, suffix in (("getJob", "/v/1"), ("getJobStatus", "/status/v/1")):
        response = wire.http.get(wire.job_path(job_id, suffix))
        expect(
            response.status_code == 404 and error_code(response) == JOB_NOT_FOUND_CODE,
            f"after deleteJob answered 200, {what} answered HTTP {response.status_code} code"
            f" {error_code(response)!r}; expected 404 with code {JOB_NOT_FOUND_CODE}",
        )
    listed = _ids(wire.list_jobs({"where": {"tags": tag}}))
    expect(job_id not in listed, f"after deleteJob, listJobs still lists job {job_id}")
    ids = wire.get_json(
        wire.project_path("/Jobs/v/1"),
        "listJobIds",
        filter=json.dumps({"where": {"tags": tag}, "fields": {"id": True}}),
    )
    expect(
        job_id not in {item.get("id") for item in ids if isinstance(item, dict)},
        f"after deleteJob, listJobIds still lists job {job_id}",
    )
