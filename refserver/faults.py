"""Named, deliberate deviations from the contract, for testing conformance tools.

Each fault is one small, explicit change of behaviour, switched on by name
(``ServerThread(faults=...)`` or ``ibmqjob serve --fault NAME``). A server with no
fault switched on conforms to the contract.

Most faults live where the behaviour they spoil is made. The *wire faults*
(:data:`WIRE_FAULTS`) break what an operation does rather than how its answer looks, and
are made in one place, :class:`WireFaults`, an ASGI middleware around the application: it
rewrites a request before the server sees it (a listing filter losing its ``skip``, a Qobj
losing its seed), answers in the server's place (a cancel or a delete that changes nothing),
or rewrites an answer (counts that no longer follow the circuit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

FAULTS: dict[str, str] = {
    "wrong_status_string": "job statuses are sent in lower case (`completed` for `COMPLETED`)",
    "missing_creation_date": "job documents lack `creationDate`",
    "tags_not_echoed": "`PUT /Jobs/{id}` with tags answers with the tags it had before",
    "wrong_close_code": "the status websocket closes with 1000, not 4002, after the final status",
    "paging_repeats": "creation dates are cut to whole seconds, so cursor paging repeats jobs",
    "500_on_bad_input": "a malformed listing filter answers 500 with a traceback instead of 400",
    "info_queue_outside_queued": "`infoQueue` is also sent while the job is VALIDATED or RUNNING",
    "cross_user_access": "jobs are found by id whatever the user, hub, group and project",
    "ws_bad_auth_ack": "the websocket acknowledges authentication with `welcome`",
    "ws_non_json_frames": "the websocket sends a text frame that is not JSON before the statuses",
    "ws_silent": "the websocket authenticates, then never sends a status",
    "ws_retry_once": "the first websocket of each job closes with 4001 (internal error) at once",
    "results_ignore_circuit": "result counts are spread evenly over every outcome (sum kept)",
    "seed_ignored": "the simulator ignores `seed_simulator` (seeded runs disagree)",
    "listing_ignores_skip": "job listings ignore the filter's `skip`",
    "listing_ignores_limit": "job listings ignore the filter's `limit`",
    "listing_ignores_order": "job listings ignore the filter's `order` (always newest first)",
    "listing_ignores_status": "job listings ignore `status` in the filter's `where`",
    "filter_dates_ignore_offset": "dates in listing filters are read as UTC, their offset dropped",
    "cancel_without_effect": "`POST /Jobs/{id}/cancel` answers `cancelled: true`, changes nothing",
    "delete_without_effect": "`DELETE /Jobs/{id}` answers `deleted: true`, deletes nothing",
    "update_without_effect": "`PUT /Jobs/{id}` echoes the update, which is then undone",
}

WIRE_FAULTS = frozenset(
    {
        "results_ignore_circuit",
        "seed_ignored",
        "listing_ignores_skip",
        "listing_ignores_limit",
        "listing_ignores_order",
        "listing_ignores_status",
        "filter_dates_ignore_offset",
        "cancel_without_effect",
        "delete_without_effect",
        "update_without_effect",
    }
)


def parse_faults(names: Iterable[str]) -> frozenset[str]:
    """Check fault names and return them as a set.

    Args:
        names: fault names, each a key of :data:`FAULTS`.

    Returns:
        The set of names.

    Raises:
        ValueError: a name is not a known fault.
    """
    chosen = frozenset(names)
    unknown = sorted(chosen - FAULTS.keys())
    if unknown:
        raise ValueError(
            "unknown fault(s) {}; known faults: {}".format(
                ", ".join(unknown), ", ".join(sorted(FAULTS))
            )
        )
    return chosen


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_JOB = r"/api/Network/[^/]+/Groups/[^/]+/Projects/[^/]+/Jobs"
_LISTING = re.compile(_JOB + r"(/status)?/v/1$")
_JOB_ITSELF = re.compile(_JOB + r"/(?P<id>[^/]+)$")
_CANCEL = re.compile(_JOB + r"/(?P<id>[^/]+)/cancel$")
_RESULT = re.compile(r"/api/objectstorage/[^/]+/result$")
_QOBJ = re.compile(r"/api/objectstorage/[^/]+/qobj$")
_DROPPED = {
    "listing_ignores_skip": "skip",
    "listing_ignores_limit": "limit",
    "listing_ignores_order": "order",
}


class _Answer:
    """A response captured from the wrapped application."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class WireFaults:
    """ASGI middleware making the wire faults switched on (see the module doc).

    Args:
        app: The application.
        faults: The faults switched on; those outside :data:`WIRE_FAULTS` are ignored.
    """

    def __init__(self, app: AsgiApp, faults: Iterable[str]) -> None:
        self.app = app
        self.faults = frozenset(faults) & WIRE_FAULTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request, with the faults switched on."""
        if scope["type"] != "http" or not self.faults:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        method, path = scope["method"], scope["path"]
        if method == "GET" and _LISTING.search(path):
            scope = {**scope, "query_string": self._listing_query(scope["query_string"])}
        elif method == "PUT" and _QOBJ.search(path) and "seed_ignored" in self.faults:
            body = _without_seed(body)
        elif method == "POST" and _CANCEL.search(path) and "cancel_without_effect" in self.faults:
            await self._pretend(scope, path[: -len("/cancel")], {"cancelled": True}, send)
            return
        elif method == "DELETE" and _JOB_ITSELF.search(path):
            if "delete_without_effect" in self.faults:
                await self._pretend(scope, path, {"deleted": True}, send)
                return
        elif method == "PUT" and _JOB_ITSELF.search(path):
            if "update_without_effect" in self.faults:
                await self._update_undone(scope, body, send)
                return
        answer = await self._call(scope, body)
        if method == "GET" and _RESULT.search(path) and "results_ignore_circuit" in self.faults:
            answer.body = _spread_counts(answer.body)
        await _reply(send, answer)

    def _listing_query(self, query: bytes) -> bytes:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        changed = []
        for key, value in pairs:
            if key == "filter":
                value = self._listing_filter(value)
            changed.append((key, value))
        return urlencode(changed).encode("latin-1")

    def _listing_filter(self, text: str) -> str:
        try:
            loopback = json.loads(text)
        except ValueError:
            return text
        if not isinstance(loopback, dict):
            return text
        for fault, key in _DROPPED.items():
            if fault in self.faults:
                loopback.pop(key, None)
        where = loopback.get("where")
        if "listing_ignores_status" in self.faults and isinstance(where, dict):
            where.pop("status", None)
        if "filter_dates_ignore_offset" in self.faults:
            loopback["where"] = _offsets_dropped(where)
        return json.dumps(loopback)

    async def _call(self, scope: Scope, body: bytes) -> _Answer:
        answer = _Answer()
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        # A copy each time: routing writes into the scope it is given (Mount's root_path).
        await self.app(dict(scope), receive, answer.send)
        return answer

    async def _get(self, scope: Scope, path: str) -> _Answer:
        return await self._call({**scope, "method": "GET", "path": path, "query_string": b""}, b"")

    async def _pretend(self, scope: Scope, job_path: str, body: dict[str, Any], send: Send) -> None:
        """Answer ``body`` if the job exists for the caller (else its error), doing nothing."""
        found = await self._get(scope, job_path + "/v/1")
        if found.status == 200:
            found.body = json.dumps(body).encode()
        await _reply(send, found)

    async def _update_undone(self, scope: Scope, body: bytes, send: Send) -> None:
        """Apply the update, answer its echo, then put the old name and tags back."""
        before = await self._get(scope, scope["path"] + "/v/1")
        answer = await self._call(scope, body)
        if answer.status == 200 and before.status == 200:
            old = before.json()
            restore = {key: old[key] for key in ("name", "tags") if key in old}
            for key, value in restore.items():
                await self._call(scope, json.dumps({key: value}).encode())
        await _reply(send, answer)


_DATE_WITH_OFFSET = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)[+-]\d\d:\d\d$")


def _offsets_dropped(node: Any) -> Any:
    """Every date-time string of a filter with its offset replaced by ``Z`` (a wrong instant)."""
    if isinstance(node, dict):
        return {key: _offsets_dropped(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_offsets_dropped(item) for item in node]
    if isinstance(node, str):
        return _DATE_WITH_OFFSET.sub(r"\1Z", node)
    return node


async def _read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += bytes(message.get("body", b""))
        if not message.get("more_body"):
            return body


async def _reply(send: Send, answer: _Answer) -> None:
    headers = [(k, v) for k, v in answer.headers if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


def _without_seed(body: bytes) -> bytes:
    try:
        qobj: Any = json.loads(body)
        qobj["config"].pop("seed_simulator", None)
        for experiment in qobj.get("experiments", []):
            experiment.get("config", {}).pop("seed_simulator", None)
    except (ValueError, KeyError, TypeError, AttributeError):
        return body
    return json.dumps(qobj).encode()


def _spread_counts(body: bytes) -> bytes:
    """Every experiment's counts spread evenly over all its outcomes, the total kept."""
    try:
        result: Any = json.loads(body)
        experiments = result["results"]
    except (ValueError, KeyError, TypeError):
        return body
    for experiment in experiments:
        data = experiment.get("data") if isinstance(experiment, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("counts"), dict):
            continue
        counts: dict[str, int] = data["counts"]
        slots = int(experiment.get("header", {}).get("memory_slots", 1) or 1)
        total, outcomes = sum(counts.values()), 2**slots
        data["counts"] = {
            hex(value): total // outcomes + (value < total % outcomes) for value in range(outcomes)
        }
        data.pop("memory", None)
    return json.dumps(result).encode()
