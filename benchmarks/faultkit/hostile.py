"""A hostile server of the job API on loopback: right protocol, wrong answers on purpose.

:class:`HostileServer` speaks enough of the job API for the SDK's whole life cycle (version,
login, ``/users/me``, ``/Network``, devices, job creation, signed upload, ``jobDataUploaded``,
status, the job document, the signed result download, ``resultDownloaded``, listings,
properties, and the status websocket), answering like a well-behaved server except where its
``mode`` (one of :data:`MODES`) makes it hostile: deeply nested JSON, wrong types, missing
fields, malformed results, garbage websocket frames, redirect loops, huge or truncated
bodies, access tokens that expire or an API token revoked mid-session, a ``/version`` that is
not JSON.

It listens on 127.0.0.1 only (HTTP and websocket on two free ports), serves each request
on its own thread, and stops by itself after ``lifetime`` seconds if nobody stops it. Every
request is counted (:attr:`HostileServer.counts`) so callers can tell how many jobs were
created, cancelled, and how many logins happened. Jobs complete by themselves: ``QUEUED``
after the upload, ``COMPLETED`` ``complete_after`` seconds later.

Used by ``benchmarks/faultkit/hostile_scenarios.py`` and the tests.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import re
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

__all__ = ["API_TOKEN", "DEVICE", "MODES", "HostileServer", "nested"]

API_TOKEN = "hostile-api-token-0123456789"
"""The one API token the server accepts."""

MODES = (
    "none",  # a well-behaved server
    "nested_result",  # the result download is nested 100 000 levels deep
    "nested_result_header",  # a result whose header is nested 900 levels (valid JSON)
    "nested_status",  # the job status document is nested 100 000 levels deep
    "nested_ws",  # the websocket's status frames are nested 100 000 levels deep
    "nested_jobs",  # the job listing is nested 100 000 levels deep
    "nested_properties",  # the backend properties are nested 100 000 levels deep
    "nested_error",  # a 500 error body nested 100 000 levels deep (status requests)
    "wrong_type_status",  # "status": 42 in status documents and frames
    "missing_fields_job",  # the job document lacks id, status and creationDate
    "malformed_counts",  # counts keyed by "0xzz" (qiskit's formatters raise ValueError)
    "malformed_shots",  # shots "many", success "yes"
    "malformed_memory",  # level-2 memory holding numbers and lists
    "result_not_object",  # the result document is a JSON list
    "garbage_ws",  # the websocket answers binary garbage and non-JSON text
    "redirect_loop",  # status and job documents redirect to themselves
    "truncated_huge",  # the result announces 512 MB, sends 4 MB and closes
    "expire_token",  # every access token expires after a few requests (401, code 2408)
    "revoke_token",  # the first access token expires, then the API token is refused
    "version_html",  # /version answers an HTML page
)

_DEPTH = 100_000
_INVALID_ACCESS_TOKEN = 2408
_TOKEN_USES = 4  # requests an access token serves in "expire_token" mode
_PROJECT = "/api/Network/ibm-q/Groups/open/Projects/main"
_JOB_PATH = re.compile(re.escape(_PROJECT) + r"/Jobs/([0-9a-f]{24})(/.*)?$")
_BACKEND = "ibmq_qasm_simulator"
DEVICE = "ibmq_hostile_device"
"""A device backend (not a simulator): the one with properties."""


def nested(depth: int = _DEPTH) -> bytes:
    """JSON text of ``depth`` nested lists around an object: valid JSON, too deep to decode."""
    return b'{"status":' + b"[" * depth + b"]" * depth + b"}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_CONFIGURATION: dict[str, Any] = {
    "backend_name": _BACKEND,
    "backend_version": "0.1.0",
    "n_qubits": 5,
    "basis_gates": ["u1", "u2", "u3", "cx", "id", "x", "h"],
    "gates": [{"name": "cx", "parameters": [], "qasm_def": "gate cx q1,q2 { CX q1,q2; }"}],
    "local": False,
    "simulator": True,
    "conditional": True,
    "open_pulse": False,
    "memory": True,
    "max_shots": 100_000,
    "max_experiments": 300,
    "coupling_map": None,
    "online_date": "2020-01-01T00:00:00Z",
}


_DEVICE_CONFIGURATION = {**_CONFIGURATION, "backend_name": DEVICE, "simulator": False}


def _properties() -> dict[str, Any]:
    return {
        "backend_name": DEVICE,
        "backend_version": "0.1.0",
        "last_update_date": _now(),
        "qubits": [],
        "gates": [],
        "general": [],
    }


class _Job:
    def __init__(self, job_id: str, name: str | None, tags: list[str]) -> None:
        self.id = job_id
        self.name = name
        self.tags = tags
        self.created = _now()
        self.status = "CREATING"
        self.queued_at: float | None = None
        self.qobj: dict[str, Any] | None = None
        self.cancelled = False

    def current_status(self, complete_after: float) -> str:
        if (
            self.status == "QUEUED"
            and self.queued_at is not None
            and time.monotonic() - self.queued_at >= complete_after
        ):
            self.status = "COMPLETED"
        return self.status


class HostileServer:
    """The hostile server (see the module docstring); a context manager.

    Args:
        mode: One of :data:`MODES`.
        lifetime: Seconds after which the server stops by itself.
        complete_after: Seconds a job stays ``QUEUED`` before it completes.
    """

    def __init__(self, mode: str = "none", *, lifetime: float = 120.0, complete_after: float = 0.3):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
        self.mode = mode
        self.lifetime = lifetime
        self.complete_after = complete_after
        self.counts: collections.Counter[str] = collections.Counter()
        self.jobs: dict[str, _Job] = {}
        self.signatures: list[str] = []
        self.access_tokens: list[str] = []
        self._token_uses: dict[str, int] = {}
        self._lock = threading.Lock()
        self._http: ThreadingHTTPServer | None = None
        self._ws: Server | None = None
        self._timer: threading.Timer | None = None
        self._threads: list[threading.Thread] = []
        self.port = self.ws_port = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def auth_url(self) -> str:
        """The URL to give ``enable_account``."""
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> HostileServer:
        """Start listening (both ports) and arm the lifetime timer."""
        server = self

        class Handler(_Handler):
            hostile = server

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self._ws = serve(self._websocket, "127.0.0.1", 0, compression=None)
        self.ws_port = self._ws.socket.getsockname()[1]
        for target in (self._http.serve_forever, self._ws.serve_forever):
            thread = threading.Thread(target=target, daemon=True, name="hostile-server")
            thread.start()
            self._threads.append(thread)
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        """Stop both listeners (idempotent)."""
        if self._timer is not None:
            self._timer.cancel()
        http, ws = self._http, self._ws
        self._http = self._ws = None
        if http is not None:
            http.shutdown()
            http.server_close()
        if ws is not None:
            ws.shutdown()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(5)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ state

    def count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1

    def new_access_token(self) -> str:
        token = "hostile-access-" + secrets.token_hex(16)
        with self._lock:
            self.access_tokens.append(token)
            self._token_uses[token] = 0
        return token

    def token_valid(self, token: str | None) -> bool:
        with self._lock:
            if token is None or token not in self._token_uses:
                return False
            self._token_uses[token] += 1
            uses = self._token_uses[token]
            first = token == self.access_tokens[0]
        if self.mode == "expire_token":
            return uses <= _TOKEN_USES
        if self.mode == "revoke_token":
            return not first or uses <= _TOKEN_USES
        return True

    def api_token_valid(self, token: object) -> bool:
        if token != API_TOKEN:
            return False
        # In "revoke_token" mode the API token works for the first login only.
        return not (self.mode == "revoke_token" and self.counts["login"] > 1)

    def signed(self, path: str) -> str:
        signature = secrets.token_hex(20)
        with self._lock:
            self.signatures.append(signature)
        expires = int(time.time()) + 3600
        return f"http://127.0.0.1:{self.port}{path}?expires={expires}&signature={signature}"

    def job_document(self, job: _Job) -> dict[str, Any]:
        document: dict[str, Any] = {
            "id": job.id,
            "kind": "q-object-external-storage",
            "creationDate": job.created,
            "status": job.current_status(self.complete_after),
            "backend": {"name": _BACKEND},
            "tags": job.tags,
        }
        if job.name is not None:
            document["name"] = job.name
        if self.mode == "missing_fields_job" and job.status == "COMPLETED":
            for key in ("id", "status", "creationDate"):
                document.pop(key)
        return document

    def result_document(self, job: _Job) -> Any:
        experiments = (job.qobj or {}).get("experiments") or [{}]
        shots = int((job.qobj or {}).get("config", {}).get("shots", 1024))
        results = []
        for experiment in experiments:
            header = dict(experiment.get("header") or {})
            half = shots // 2
            result: dict[str, Any] = {
                "shots": shots,
                "success": True,
                "meas_level": 2,
                "status": "DONE",
                "data": {"counts": {"0x0": half, "0x3": shots - half}},
                "header": header,
            }
            if self.mode == "malformed_counts":
                header.setdefault("memory_slots", 2)
                result["data"] = {"counts": {"0xzz": shots}}
            elif self.mode == "malformed_shots":
                result["shots"], result["success"] = "many", "yes"
            elif self.mode == "malformed_memory":
                result["data"]["memory"] = [3, [1, 2], "0x0"]
            elif self.mode == "nested_result_header":
                header["deep"] = json.loads("[" * 900 + "]" * 900)
            results.append(result)
        document = {
            "backend_name": _BACKEND,
            "backend_version": "0.1.0",
            "qobj_id": (job.qobj or {}).get("qobj_id", "qobj"),
            "job_id": job.id,
            "success": True,
            "date": _now(),
            "status": "COMPLETED",
            "results": results,
        }
        if self.mode == "result_not_object":
            return [document]
        return document

    # ------------------------------------------------------------------ websocket

    def _websocket(self, connection: ServerConnection) -> None:
        self.count("websocket")
        path = connection.request.path if connection.request is not None else ""
        match = re.fullmatch(r"/ws/jobs/([0-9a-f]{24})/status/v/1", path)
        job = self.jobs.get(match.group(1)) if match else None
        try:
            auth = json.loads(connection.recv(timeout=10))
            if not self.token_valid(auth.get("data")) or job is None:
                connection.close(4003 if job is None else 4001, "refused")
                return
            connection.send(json.dumps({"type": "authenticated"}))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                status = job.current_status(self.complete_after)
                if self.mode == "garbage_ws":
                    connection.send(b"\x00\xff\xfe garbage")
                    connection.send("not json {")
                elif self.mode == "nested_ws":
                    connection.send(b'{"type":"job-status","data":' + nested() + b"}")
                elif self.mode == "wrong_type_status":
                    connection.send(json.dumps({"type": "job-status", "data": {"status": 42}}))
                else:
                    frame = {"type": "job-status", "data": {"status": status}}
                    connection.send(json.dumps(frame))
                if status in ("COMPLETED", "CANCELLED"):
                    connection.close(4002, "job final")
                    return
                time.sleep(0.1)
            connection.close(1000, "lifetime")
        except (ConnectionClosed, TimeoutError, ValueError, OSError):
            return


class _Handler(BaseHTTPRequestHandler):
    hostile: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence
        return

    # ------------------------------------------------------------------ plumbing

    def _send(
        self,
        status: int,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        content = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(content)

    def _error(self, status: int, code: int, message: str) -> None:
        self._send(status, {"error": {"statusCode": status, "code": code, "message": message}})

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        try:
            return json.loads(data) if data else None
        except ValueError:
            return None

    def do_GET(self) -> None:  # the name http.server calls
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    # ------------------------------------------------------------------ routes

    def _route(self, method: str) -> None:
        hostile = self.hostile
        path = urlsplit(self.path).path
        body = self._body() if method in ("POST", "PUT") else None
        hostile.count(f"{method} {path}")
        if path == "/api/version":
            if hostile.mode == "version_html":
                self._send(200, raw=b"<html><body>Welcome</body></html>")
            else:
                self._send(200, {"api-auth": "0.1", "new_api": True})
            return
        if path == "/api/users/loginWithToken" and method == "POST":
            hostile.count("login")
            token = body.get("apiToken") if isinstance(body, dict) else None
            if not hostile.api_token_valid(token):
                self._error(401, 2407, "Invalid API token")
                return
            access = hostile.new_access_token()
            self._send(200, {"id": access, "ttl": 1209600, "created": _now(), "userId": "u1"})
            return
        if path.startswith("/storage/"):
            self._storage(method, path, body)
            return
        if not hostile.token_valid(self.headers.get("X-Access-Token")):
            self._error(401, _INVALID_ACCESS_TOKEN, "Invalid or expired access token")
            return
        if path == "/api/users/me":
            ws = f"ws://127.0.0.1:{hostile.ws_port}/ws"
            self._send(200, {"urls": {"http": hostile.auth_url, "ws": ws, "services": {}}})
        elif path == "/api/Network":
            projects = {"main": {"isDefault": True}}
            self._send(200, [{"name": "ibm-q", "groups": {"open": {"projects": projects}}}])
        elif path == f"{_PROJECT}/devices/v/1":
            self._send(200, [_CONFIGURATION, _DEVICE_CONFIGURATION])
        elif path == f"{_PROJECT}/devices/{DEVICE}/properties":
            if hostile.mode == "nested_properties":
                self._send(200, raw=nested())
            else:
                self._send(200, _properties())
        elif path == f"{_PROJECT}/Jobs" and method == "POST":
            self._create(body)
        elif path in (f"{_PROJECT}/Jobs/status/v/1", f"{_PROJECT}/Jobs/v/1"):
            if hostile.mode == "nested_jobs":
                self._send(200, raw=nested())
            else:
                documents = [hostile.job_document(job) for job in reversed(hostile.jobs.values())]
                self._send(200, documents[:10])
        else:
            match = _JOB_PATH.match(path)
            job = hostile.jobs.get(match.group(1)) if match else None
            if match is None or job is None:
                self._error(404, 3250, "Job not found")
            else:
                self._job(method, job, match.group(2) or "")

    def _create(self, body: Any) -> None:
        hostile = self.hostile
        hostile.count("create")
        name = body.get("name") if isinstance(body, dict) else None
        tags = body.get("tags") if isinstance(body, dict) else None
        job = _Job(secrets.token_hex(12), name, tags if isinstance(tags, list) else [])
        hostile.jobs[job.id] = job
        document = hostile.job_document(job)
        document["objectStorageInfo"] = {"uploadUrl": hostile.signed(f"/storage/{job.id}/qobj")}
        self._send(200, document)

    def _job(self, method: str, job: _Job, rest: str) -> None:
        hostile = self.hostile
        mode = hostile.mode
        if rest == "/jobDataUploaded" and method == "POST":
            job.status, job.queued_at = "QUEUED", time.monotonic()
            hostile.count("accepted")
            self._send(200, {"job": hostile.job_document(job)})
        elif rest == "/status/v/1":
            if mode == "nested_status":
                self._send(200, raw=nested())
            elif mode == "nested_error":
                self._send(500, raw=nested())
            elif mode == "wrong_type_status":
                self._send(200, {"status": 42})
            elif mode == "redirect_loop":
                self._send(302, {}, headers={"Location": self.path})
            else:
                self._send(200, {"status": job.current_status(hostile.complete_after)})
        elif rest == "/v/1":
            if mode == "redirect_loop":
                self._send(302, {}, headers={"Location": self.path})
            else:
                self._send(200, hostile.job_document(job))
        elif rest == "/resultDownloadUrl":
            self._send(200, {"url": hostile.signed(f"/storage/{job.id}/result")})
        elif rest == "/resultDownloaded" and method == "POST":
            self._send(200, {})
        elif rest == "/cancel" and method == "POST":
            hostile.count("cancel")
            job.cancelled = job.status not in ("COMPLETED",)
            if job.cancelled:
                job.status = "CANCELLED"
            self._send(200, {"cancelled": job.cancelled})
        elif rest == "" and method == "PUT":
            self._send(200, hostile.job_document(job))
        else:
            self._error(404, 3250, "Job not found")

    def _storage(self, method: str, path: str, body: Any) -> None:
        hostile = self.hostile
        match = re.fullmatch(r"/storage/([0-9a-f]{24})/(qobj|result)", path)
        job = hostile.jobs.get(match.group(1)) if match else None
        query = urlsplit(self.path).query
        if match is None or job is None or "signature=" not in query:
            self._error(403, 3400, "Bad signature")
            return
        if match.group(2) == "qobj" and method == "PUT":
            job.qobj = body if isinstance(body, dict) else None
            self._send(200, {})
        elif match.group(2) == "result" and method == "GET":
            if hostile.mode == "nested_result":
                self._send(200, raw=nested())
            elif hostile.mode == "truncated_huge":
                self._truncated(512 << 20, 4 << 20)
            else:
                self._send(200, hostile.result_document(job))
        else:
            self._error(404, 3250, "No such object")

    def _truncated(self, announced: int, sent: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(announced))
        self.end_headers()
        chunk = b" " * 65536
        with contextlib.suppress(OSError):
            for _ in range(sent // len(chunk)):
                self.wfile.write(chunk)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True
