"""Scenarios that need jobs to stay unfinished for a while (inside ``.venv-legacy``).

They are meant for a server that advances jobs slowly (a step delay), so that a job can be
seen QUEUED, cancelled before it runs, and followed by a status callback.
"""

from __future__ import annotations

import time
from typing import Any

from legacy_common import (
    Context,
    expect_error,
    jsonable,
    poll_until,
    queue_info_dict,
    wait_final,
)
from qiskit.providers import JobStatus


def queue_cancel(ctx: Context, obs: dict[str, Any]) -> None:
    """A job queued behind others: queue_position(), queue_info(), then cancel() it."""
    provider = ctx.provider()
    backend = ctx.simulator(provider)
    tag = ctx.tag("queue_cancel")
    blockers = [
        ctx.run_bell(backend, "queue_cancel", job_name=f"{tag}-blocker-{i}")
        for i in range(int(ctx.param("queue_blockers", 2)))
    ]
    target = ctx.run_bell(backend, "queue_cancel", job_name=f"{tag}-target")
    obs["target_id"] = target.job_id()
    obs["target_statuses"] = poll_until(target, {JobStatus.QUEUED}, ctx.timeout)
    obs["queue_position"] = target.queue_position(refresh=True)
    obs["queue_position_cached"] = target.queue_position()
    obs["queue_info"] = queue_info_dict(target.queue_info())
    obs["backend_pending_jobs"] = backend.status().pending_jobs
    obs["cancel"] = expect_error(target.cancel)
    obs["statuses_after_cancel"] = poll_until(target, (), ctx.timeout)
    obs["queue_position_after_cancel"] = target.queue_position(refresh=True)
    obs["result_after_cancel"] = expect_error(lambda: target.result(timeout=ctx.timeout))
    obs["error_message_after_cancel"] = target.error_message()
    obs["retrieved_status"] = provider.backend.retrieve_job(target.job_id()).status().name
    obs["listed_cancelled"] = [
        j.job_id() for j in backend.jobs(limit=None, status="CANCELLED", job_tags=[tag])
    ]
    obs["blocker_statuses"] = [wait_final(job, ctx.timeout) for job in blockers]
    obs["cancel_finished_job"] = expect_error(blockers[0].cancel)
    obs["finished_job_status_after_cancel"] = (
        provider.backend.retrieve_job(blockers[0].job_id()).status().name
    )


def wait_callback(ctx: Context, obs: dict[str, Any]) -> None:
    """wait_for_final_state with a callback, on change and every ``wait`` seconds.

    Short timeouts (``wait_for_final_state(timeout=0.1)``) are not exercised: in the original
    client the timeout closes the websocket from a timer thread, and websocket-client often
    notices that close only when its 10 s ping timeout expires (seen with an independent
    ``websockets`` server too), after which a finished job returns normally.
    """
    backend = ctx.simulator()
    calls: list[dict[str, Any]] = []
    job = ctx.run_bell(backend, "wait_callback")

    def record(job_id: str, status: JobStatus, the_job: Any, queue_info: Any = None) -> None:
        calls.append(
            {
                "job_id_matches": job_id == job.job_id(),
                "job_is_same": the_job is job,
                "status": status.name,
                "queue_info": queue_info_dict(queue_info),
            }
        )

    started = time.monotonic()
    job.wait_for_final_state(timeout=ctx.timeout, callback=record)
    obs["on_change_seconds"] = round(time.monotonic() - started, 3)
    obs["on_change_calls"] = calls
    obs["on_change_final"] = job.status().name

    periodic: list[str] = []
    job2 = ctx.run_bell(backend, "wait_callback", job_name=f"{ctx.tag('wait_callback')}-2")
    job2.wait_for_final_state(
        timeout=ctx.timeout,
        wait=float(ctx.param("callback_wait", 0.2)),
        callback=lambda _id, status, _job, queue_info=None: periodic.append(status.name),
    )
    obs["periodic_calls"] = periodic
    obs["periodic_final"] = job2.status().name


def job_limit(ctx: Context, obs: dict[str, Any]) -> None:
    """job_limit(), remaining_jobs_count(), and a submission beyond a (low) limit."""
    backend = ctx.simulator()
    limit = backend.job_limit()
    obs["limit"] = {"maximum_jobs": limit.maximum_jobs, "active_jobs": limit.active_jobs}
    obs["remaining"] = backend.remaining_jobs_count()
    maximum = limit.maximum_jobs
    if maximum is None or maximum > int(ctx.param("max_limit_to_fill", 10)):
        obs["filled"] = False
        return
    obs["filled"] = True
    jobs: list[Any] = []
    attempts: list[dict[str, Any]] = []
    for i in range(maximum - limit.active_jobs + 1):

        def submit(i: int = i) -> None:
            jobs.append(ctx.run_bell(backend, "job_limit", job_name=f"{ctx.tag('job_limit')}-{i}"))

        attempts.append(expect_error(submit))
    obs["attempts"] = attempts
    full = backend.job_limit()
    obs["limit_when_full"] = {"maximum_jobs": full.maximum_jobs, "active_jobs": full.active_jobs}
    obs["remaining_when_full"] = backend.remaining_jobs_count()
    obs["final_statuses"] = [wait_final(job, ctx.timeout) for job in jobs]
    after = backend.job_limit()
    obs["limit_after"] = {"maximum_jobs": after.maximum_jobs, "active_jobs": after.active_jobs}
    obs["submit_after"] = jsonable(
        expect_error(
            lambda: wait_final(
                ctx.run_bell(backend, "job_limit", job_name=f"{ctx.tag('job_limit')}-after"),
                ctx.timeout,
            )
        )
    )
