"""The job status websocket, ``/ws/jobs/{job_id}/status/v/1`` (see ``spec/asyncapi.yaml``).

1. The client sends ``{"type": "authentication", "data": "<access token>"}``.
2. The server answers ``{"type": "authenticated"}``; on a bad token (or a first
   message that is not an authentication) it sends ``{"type": "error", "data":
   "<reason>"}`` and closes with 4001.
3. A job that does not exist for the user: close with 4003.
4. ``{"type": "job-status", "data": {"status": ..., "infoQueue"?: ...}}`` at once,
   on every change of the job, and every ``queue_update_interval`` while QUEUED.
   With ``final_frame_extension`` (optional protocol extension), the frame of the final
   status also carries ``job`` (the job document) and ``resultUrl`` (a signed URL of the
   result, when there is one).
5. After the final status: close with 4002.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from refserver import statuses
from refserver.decoding import MalformedJson, parse_json
from refserver.documents import status_document
from refserver.state import ServerState
from refserver.users import User
from refserver.web import public_root

logger = logging.getLogger(__name__)

CLOSE_INTERNAL_ERROR = 4001
CLOSE_JOB_DONE = 4002
CLOSE_JOB_NOT_FOUND = 4003
AUTH_TIMEOUT = 30.0


async def job_status_socket(websocket: WebSocket) -> None:
    """Serve one status websocket connection."""
    state: ServerState = websocket.app.state.server
    faults = state.config.faults
    job_id: str = websocket.path_params["job_id"]
    await websocket.accept()
    try:
        user = await _authenticate(websocket, state)
        if user is None:
            return
        acknowledgement = "welcome" if "ws_bad_auth_ack" in faults else "authenticated"
        await websocket.send_json({"type": acknowledgement})
        if "ws_retry_once" in faults and job_id not in state.retried_sockets:
            state.retried_sockets.add(job_id)
            await websocket.close(CLOSE_INTERNAL_ERROR)
            return
        if "ws_silent" in faults:
            await _drain(websocket)
            return
        if "ws_non_json_frames" in faults:
            await websocket.send_text("status: pending")
        await _stream(websocket, state, user, job_id)
    except WebSocketDisconnect:
        pass


async def _authenticate(websocket: WebSocket, state: ServerState) -> User | None:
    try:
        async with asyncio.timeout(AUTH_TIMEOUT):  # no task, unlike asyncio.wait_for
            text = await websocket.receive_text()
    except TimeoutError:
        await _refuse(websocket, "No authentication message received")
        return None
    except (KeyError, RuntimeError):
        # A binary frame instead of a text one.
        await _refuse(websocket, "The authentication message must be a JSON text frame")
        return None
    try:
        message = parse_json(text)
    except MalformedJson:
        message = None
    if not isinstance(message, dict) or message.get("type") != "authentication":
        await _refuse(websocket, 'Expected {"type": "authentication", "data": "<access token>"}')
        return None
    token = message.get("data")
    user = state.auth.find_user(token) if isinstance(token, str) and token else None
    if user is None:
        await _refuse(websocket, "Authentication failed: invalid or expired access token")
    return user


async def _refuse(websocket: WebSocket, reason: str) -> None:
    await websocket.send_json({"type": "error", "data": reason})
    await websocket.close(CLOSE_INTERNAL_ERROR)


async def _stream(websocket: WebSocket, state: ServerState, user: User, job_id: str) -> None:
    subscription = state.events.subscribe(job_id)
    listener = asyncio.create_task(_drain(websocket))
    # The client going away wakes the loop below like a change of the job: one event to
    # wait on, no task per frame.
    listener.add_done_callback(lambda _task: subscription.changed.set())
    try:
        last: dict[str, Any] | None = None
        while True:
            subscription.changed.clear()
            if listener.done():
                return  # the client went away
            record = _visible_job(state, user, job_id)
            if record is None:
                await websocket.close(CLOSE_JOB_NOT_FOUND)
                return
            frame = status_document(record, state.jobs.info_queue(record), state.config.faults)
            frame.pop("id", None)
            if frame != last or record.status == statuses.QUEUED:
                data = frame
                if record.is_final and state.config.final_frame_extension:
                    data = {
                        **frame,
                        **state.jobs.final_frame_extension(record, _api_base(websocket)),
                    }
                await websocket.send_json({"type": "job-status", "data": data})
                last = frame
            if record.is_final:
                faults = state.config.faults
                await websocket.close(1000 if "wrong_close_code" in faults else CLOSE_JOB_DONE)
                return
            wait = state.config.queue_update_interval if record.status == statuses.QUEUED else None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await subscription.changed.wait()
    finally:
        state.events.unsubscribe(subscription)
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener


def _api_base(websocket: WebSocket) -> str:
    # The URL the server hands out, as for HTTP requests (the public URL when configured).
    return public_root(websocket) + "/api"  # type: ignore[arg-type]  # reads scope and app only


def _visible_job(state: ServerState, user: User, job_id: str) -> Any:
    record = state.store.get_job(job_id)
    if record is None or record.deleted:
        return None
    if record.user_id != user.id and "cross_user_access" not in state.config.faults:
        return None
    return record


async def _drain(websocket: WebSocket) -> None:
    # Reading is how a disconnect is noticed; the client sends nothing else.
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass


ROUTES = [WebSocketRoute("/ws/jobs/{job_id}/status/v/1", job_status_socket)]
