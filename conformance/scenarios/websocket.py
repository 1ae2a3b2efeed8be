"""Scenario of the status websocket, frame by frame, against ``spec/asyncapi.yaml``."""

from __future__ import annotations

from ..wsframes import (
    CLOSE_AUTH_FAILED,
    CLOSE_JOB_NOT_FOUND,
    check_status_session,
    message_validators,
    record_status_session,
)
from .base import ScenarioContext, expect, fail
from .sdk import bell, connect, simulator, submit, wait_final
from .wire import UNKNOWN_JOB_ID, WireClient

__all__ = ["websocket_frames"]


def websocket_frames(ctx: ScenarioContext) -> None:
    """Frames match the AsyncAPI messages and end with 4002; unknown job 4003; bad token 4001."""
    validators = message_validators(ctx.asyncapi)
    job = submit(ctx, simulator(connect(ctx, websocket=False)), bell(), job_tags=[ctx.tag("ws")])
    with WireClient(ctx) as wire:
        target = wire.target
    session = record_status_session(target.ws_url, job.job_id(), target.access_token, ctx.timeout)
    problems = check_status_session(session, validators)
    if problems:
        fail("status websocket: " + "; ".join(problems[:3]))
    ctx.note(f"statuses pushed: {session.statuses()}; close code {session.close_code}")
    wait_final(ctx, job)
    unknown = record_status_session(target.ws_url, UNKNOWN_JOB_ID, target.access_token, 10)
    expect(
        unknown.close_code == CLOSE_JOB_NOT_FOUND and not unknown.statuses(),
        f"the websocket of an unknown job closed with {unknown.close_code} after"
        f" {unknown.statuses()}, not {CLOSE_JOB_NOT_FOUND}",
    )
    refused = record_status_session(target.ws_url, job.job_id(), "not-a-token", 10)
    first = next(iter(refused.decoded()), (0, None))[1]
    expect(
        not (isinstance(first, dict) and first.get("type") == "authenticated"),
        "the websocket authenticated a bad access token",
    )
    expect(
        refused.close_code == CLOSE_AUTH_FAILED,
        f"the websocket closed with {refused.close_code} after a bad token,"
        f" not {CLOSE_AUTH_FAILED}",
    )
