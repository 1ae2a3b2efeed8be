"""The reference server, instrumented for the benchmarks (run in the project's ``.venv``).

The reference server is used exactly as shipped (``refserver.app.build_app``); this module
only wraps it from the outside:

* an ASGI middleware counts every HTTP request (per method and path template) and every
  websocket connection, and sums the time the server spent answering each route;
* the job store's ``update_job`` is wrapped to note, with ``time.time()``, the instant each
  job was saved as ``RUNNING`` and as final (``COMPLETED``...): the moment the server marks a
  job done, at microsecond resolution (``timePerStep`` only has milliseconds);
* a few control routes under ``/_bench/`` (never counted) read and reset those figures and
  copy a stored job to fill a listing.

Usage (the harness starts it; it prints one JSON line with the URLs, then serves until its
standard input closes)::

    .venv/bin/python -m benchmarks.server [--step-delay S] [--run-delay S] [--final-frame-extension]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from refserver import statuses
from refserver.app import build_app
from refserver.config import ServerConfig
from refserver.runner import bind_socket, uvicorn_server
from refserver.state import ServerState
from refserver.store import JobRecord
from refserver.timeutil import format_instant, parse_instant
from refserver.users import DEMO_TOKEN

_ID = re.compile(r"/[0-9a-f]{24}(?=/|$)")
_PROJECT = re.compile(r"/Network/[^/]+/Groups/[^/]+/Projects/[^/]+")
_DEVICE = re.compile(r"/devices/(?!v/)[^/]+")
CONTROL = "/_bench/"


def path_template(path: str) -> str:
    """Return ``path`` with job ids and hub/group/project/backend names replaced."""
    path = _PROJECT.sub("/{hgp}", _ID.sub("/{id}", path))
    return _DEVICE.sub("/devices/{backend}", path)


class Recorder:
    """Counters of requests and job instants, shared by the event loop and worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()
        self.running: dict[str, float] = {}
        self.final: dict[str, tuple[str, float]] = {}

    def reset(self) -> None:
        """Forget the request counters (the job instants are kept)."""
        with self._lock:
            self.http: Counter[str] = Counter()
            self.http_seconds: dict[str, float] = {}
            self.websockets = 0
            self.started = time.time()
            self.cpu_started = time.process_time()

    def request(self, key: str, seconds: float) -> None:
        """Count one HTTP request to the route ``key`` that took ``seconds`` to answer."""
        with self._lock:
            self.http[key] += 1
            self.http_seconds[key] = self.http_seconds.get(key, 0.0) + seconds

    def websocket(self) -> None:
        """Count one websocket connection."""
        with self._lock:
            self.websockets += 1

    def saved(self, record: JobRecord) -> None:
        """Note the instant a job was saved as RUNNING or in a final status (first time only)."""
        now = time.time()
        with self._lock:
            if record.status == statuses.RUNNING:
                self.running.setdefault(record.id, now)
            elif statuses.is_final(record.status):
                self.final.setdefault(record.id, (record.status, now))

    def counters(self) -> dict[str, Any]:
        """Return the request counters since the last reset."""
        with self._lock:
            return {
                "http": sum(self.http.values()),
                "websockets": self.websockets,
                "per_route": dict(sorted(self.http.items())),
                "server_seconds": round(sum(self.http_seconds.values()), 6),
                "server_seconds_per_route": {
                    k: round(v, 6) for k, v in sorted(self.http_seconds.items())
                },
                "since": self.started,
                "wall_seconds": round(time.time() - self.started, 6),
                "cpu_seconds": round(time.process_time() - self.cpu_started, 6),
            }

    def instants(self, ids: list[str] | None) -> dict[str, Any]:
        """Return ``{id: {"running": t, "final": t, "status": s}}`` for the given (or all) jobs."""
        with self._lock:
            wanted = ids if ids is not None else sorted(set(self.running) | set(self.final))
            out: dict[str, Any] = {}
            for job_id in wanted:
                status, final = self.final.get(job_id, (None, None))
                out[job_id] = {
                    "running": self.running.get(job_id),
                    "final": final,
                    "status": status,
                }
            return out


class CountingMiddleware:
    """ASGI middleware: counts requests and websockets, serves the ``/_bench/`` routes."""

    def __init__(self, app: Any, recorder: Recorder, state: ServerState) -> None:
        self.app = app
        self.recorder = recorder
        self.state = state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        path = scope.get("path", "")
        if kind == "http" and path.startswith(CONTROL):
            await self._control(scope, receive, send)
            return
        if kind == "websocket":
            self.recorder.websocket()
            await self.app(scope, receive, send)
            return
        if kind != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: dict[str, Any]) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                key = f"{scope['method']} {path_template(path)}"
                self.recorder.request(key, time.perf_counter() - started)

        await self.app(scope, receive, timed_send)

    async def _control(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = json.loads(body) if body.strip() else {}
        action = scope["path"][len(CONTROL) :]
        status, answer = 200, self._answer(action, request)
        if answer is None:
            status, answer = 404, {"error": f"unknown control action {action!r}"}
        payload = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    def _answer(self, action: str, request: dict[str, Any]) -> Any:
        if action == "reset":
            self.recorder.reset()
            return {"reset": True}
        if action == "counters":
            return self.recorder.counters()
        if action == "instants":
            return self.recorder.instants(request.get("ids"))
        if action == "clone":
            return {"ids": clone_job(self.state, request["job_id"], int(request["count"]))}
        if action == "ping":
            return {"pong": True}
        return None


def clone_job(state: ServerState, job_id: str, count: int) -> list[str]:
    """Store ``count`` copies of a finished job, each with a new id and an earlier date.

    The copies are the job's own record (status, times, summary, tags), so a listing of
    them returns exactly what a listing of that many real jobs would.

    Args:
        state: The server's components.
        job_id: A finished job.
        count: How many copies.

    Returns:
        The ids of the copies.
    """
    original = state.store.get_job(job_id)
    if original is None or not original.is_final:
        raise ValueError(f"job {job_id} is not a stored finished job")
    created = parse_instant(original.creation_date)
    assert created is not None
    ids = []
    for index in range(1, count + 1):
        moment = format_instant(created - timedelta(milliseconds=index))
        copy = dataclasses.replace(
            original, id=secrets.token_hex(12), creation_date=moment, tags=list(original.tags)
        )
        state.store.insert_job(copy, None)
        ids.append(copy.id)
    return ids


def instrument(config: ServerConfig) -> tuple[Any, Recorder]:
    """Build the reference server's app, wrapped for the benchmarks."""
    app = build_app(config)
    state: ServerState = app.state.server
    recorder = Recorder()
    store = state.store
    update_job = store.update_job

    def recorded_update(
        job_id: str, change: Any, objects: Any = None
    ) -> tuple[JobRecord | None, bool]:
        record, saved = update_job(job_id, change, objects)
        if saved and record is not None:
            recorder.saved(record)
        return record, saved

    store.update_job = recorded_update  # type: ignore[method-assign]
    return CountingMiddleware(app, recorder, state), recorder


def main(argv: list[str] | None = None) -> int:
    """Serve until standard input closes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step-delay", type=float, default=0.0)
    parser.add_argument("--run-delay", type=float, default=0.0)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--final-frame-extension",
        action="store_true",
        help="the final job-status frame carries the result URL and the job's final fields",
    )
    args = parser.parse_args(argv)
    if args.data_dir is not None:
        return _serve(args, args.data_dir)
    with tempfile.TemporaryDirectory(prefix="ibmqjob-bench-") as data_dir:
        return _serve(args, Path(data_dir))


def _serve(args: argparse.Namespace, data_dir: Path) -> int:
    """Serve with the data in ``data_dir`` until standard input closes."""
    config = ServerConfig(
        data_dir=data_dir,
        step_delay=args.step_delay,
        run_delay=args.run_delay,
        job_limit=-1,
        final_frame_extension=args.final_frame_extension,
    )
    app, _recorder = instrument(config)
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            return 1
        time.sleep(0.01)
    base = f"http://127.0.0.1:{port}"
    print(json.dumps({"base_url": base, "auth_url": base + "/api", "token": DEMO_TOKEN}))
    sys.stdout.flush()
    sys.stdin.read()  # the harness closes our standard input to stop us
    server.should_exit = True
    thread.join(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
