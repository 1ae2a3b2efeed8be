"""Record the job status websocket and check it against ``spec/asyncapi.yaml``.

A small client of its own (not the SDK's) connects, authenticates, keeps every frame and the
close code, so the checks see exactly what the server sent: each frame is validated against the
AsyncAPI message payload schemas, ``infoQueue`` must only come with ``QUEUED``, and the
connection must end as the document says (4002 after a final status, 4003 for an unknown job,
4001 after a refused authentication).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import connect

from .instants import is_rfc3339
from .specs import FINAL_JOB_STATUSES

__all__ = [
    "CLOSE_AUTH_FAILED",
    "CLOSE_JOB_DONE",
    "CLOSE_JOB_NOT_FOUND",
    "WebsocketSession",
    "check_status_session",
    "message_validators",
    "record_status_session",
]

CLOSE_AUTH_FAILED = 4001
CLOSE_JOB_DONE = 4002
CLOSE_JOB_NOT_FOUND = 4003
_MESSAGE_REF = "#/components/messages/"
_SCHEMA_REF = "#/components/schemas/"


@dataclass
class WebsocketSession:
    """What one connection to the status websocket carried.

    Attributes:
        url: The websocket URL.
        frames: Text of each frame the server sent, in order.
        close_code: The server's close code, or ``None`` if the session timed out first.
        close_reason: The close reason text.
        error: Why the connection could not be opened, if it could not.
    """

    url: str
    frames: list[str] = field(default_factory=list)
    close_code: int | None = None
    close_reason: str = ""
    error: str | None = None

    def decoded(self) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, JSON value)`` of each frame; a non-JSON frame yields ``None``."""
        for index, text in enumerate(self.frames):
            try:
                yield index, json.loads(text)
            except ValueError:
                yield index, None

    def statuses(self) -> list[str]:
        """The ``data.status`` of every job-status frame, in order."""
        return [
            frame["data"]["status"]
            for _, frame in self.decoded()
            if isinstance(frame, dict)
            and frame.get("type") == "job-status"
            and isinstance(frame.get("data"), dict)
            and isinstance(frame["data"].get("status"), str)
        ]


def record_status_session(
    ws_url: str, job_id: str, access_token: str, timeout: float = 30.0
) -> WebsocketSession:
    """Connect to a job's status websocket, authenticate and record until the server closes.

    Args:
        ws_url: ``urls.ws`` of the server.
        job_id: The job.
        access_token: The token sent in the ``authentication`` message.
        timeout: Longest time to listen, in seconds.

    Returns:
        The recorded session (never raises for what the server does).
    """
    url = f"{ws_url.rstrip('/')}/jobs/{job_id}/status/v/1"
    session = WebsocketSession(url)
    deadline = time.monotonic() + timeout
    try:
        with connect(url, open_timeout=timeout, close_timeout=2.0, compression=None) as ws:
            ws.send(json.dumps({"type": "authentication", "data": access_token}))
            while (left := deadline - time.monotonic()) > 0:
                raw = ws.recv(timeout=left)
                session.frames.append(
                    raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
                )
    except ConnectionClosed as closed:
        if closed.rcvd is not None:
            session.close_code, session.close_reason = closed.rcvd.code, closed.rcvd.reason
        else:
            session.close_code = 1006
    except TimeoutError:
        pass
    except (OSError, InvalidHandshake, InvalidURI) as err:
        session.error = f"{type(err).__name__}: {err}"
    return session


def _date_time(value: object) -> bool:
    return not isinstance(value, str) or is_rfc3339(value)


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("date-time")(_date_time)


def message_validators(asyncapi: dict[str, Any]) -> dict[str, jsonschema.Draft7Validator]:
    """Build a payload validator per message name of the AsyncAPI document.

    Args:
        asyncapi: The AsyncAPI document.

    Returns:
        Validators keyed by message ``name`` (``authenticated``, ``job-status``, ...).
    """
    components = asyncapi.get("components", {})
    validators = {}
    for message in components.get("messages", {}).values():
        payload = message.get("payload", {})
        # Resolve `#/components/...` references against the whole document.
        schema = {**payload, "components": components}
        validators[message["name"]] = jsonschema.Draft7Validator(schema, format_checker=_FORMATS)
    return validators


def _schema_problems(
    validator: jsonschema.Draft7Validator, frame: Any, index: int, what: str
) -> list[str]:
    return [
        f"frame {index} is not a valid `{what}` message: {error.message} at "
        f"/{'/'.join(str(p) for p in error.absolute_path)}"
        for error in validator.iter_errors(frame)
    ]


def check_status_session(
    session: WebsocketSession, validators: dict[str, jsonschema.Draft7Validator]
) -> list[str]:
    """Check a session of a job that exists and a valid token.

    The first frame must be ``authenticated``, every other frame a valid ``job-status``, with
    ``infoQueue`` only while ``QUEUED``; the last status must be final and the close code 4002.

    Args:
        session: The recorded session.
        validators: From :func:`message_validators`.

    Returns:
        The problems found (empty if the session conforms).
    """
    if session.error:
        return [f"cannot open {session.url}: {session.error}"]
    problems: list[str] = []
    frames = list(session.decoded())
    if not frames:
        return [f"the server sent no frame (close code {session.close_code})"]
    for index, frame in frames:
        if frame is None:
            problems.append(f"frame {index} is not JSON: {session.frames[index][:100]!r}")
            continue
        kind = "authenticated" if index == 0 else "job-status"
        problems += _schema_problems(validators[kind], frame, index, kind)
        data = frame.get("data") if isinstance(frame, dict) else None
        if isinstance(data, dict) and "infoQueue" in data and data.get("status") != "QUEUED":
            problems.append(f"frame {index} carries infoQueue with status {data.get('status')!r}")
    statuses = session.statuses()
    if not statuses or statuses[-1] not in FINAL_JOB_STATUSES:
        problems.append(f"the last status is not final: {statuses[-1:]!r}")
    if session.close_code != CLOSE_JOB_DONE:
        problems.append(
            f"closed with code {session.close_code} after the final status, not {CLOSE_JOB_DONE}"
        )
    return problems
