"""The protocol with nothing around it: how fast could any client push jobs through a server?

Runs in the project's ``.venv``; uses only ``http.client`` (one kept-alive connection per
thread), the ``websockets`` client for the status socket, and qiskit once, before timing, to
assemble the Qobj. Each job is the life cycle both SDKs go through, minus everything an SDK
adds: ``POST /Jobs``, ``PUT`` the Qobj, ``POST jobDataUploaded``, wait on the websocket,
``GET resultDownloadUrl``, ``GET`` the result (``json.loads``), ``POST resultDownloaded``.

Prints one JSON document: ``{"elapsed_s": ..., "jobs_per_s": ..., "ids": [...]}``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from websockets.sync.client import connect

FINAL = {"COMPLETED", "CANCELLED", "ERROR_CREATING_JOB", "ERROR_VALIDATING_JOB"}
FINAL |= {"ERROR_RUNNING_JOB", "ERROR_TRANSPILING_JOB"}


class Wire:
    """One thread's connection to the server."""

    def __init__(self, base: str, token: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
        self.token = token

    def call(self, method: str, path: str, body: bytes | None = None) -> Any:
        headers = {"X-Access-Token": self.token, "Content-Type": "application/json"}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else None


def bell_qobj(shots: int) -> bytes:
    """The Bell circuit as a Qobj, JSON-encoded (written out: no SDK, no qiskit assembler)."""
    qobj = {
        "qobj_id": str(uuid.uuid4()),
        "type": "QASM",
        "schema_version": "1.3.0",
        "header": {},
        "config": {
            "shots": shots,
            "memory": False,
            "parameter_binds": [],
            "init_qubits": True,
            "parametric_pulses": [],
            "meas_level": 2,
            "memory_slots": 2,
            "n_qubits": 2,
        },
        "experiments": [
            {
                "config": {"n_qubits": 2, "memory_slots": 2},
                "header": {
                    "qubit_labels": [["q", 0], ["q", 1]],
                    "n_qubits": 2,
                    "qreg_sizes": [["q", 2]],
                    "clbit_labels": [["c", 0], ["c", 1]],
                    "memory_slots": 2,
                    "creg_sizes": [["c", 2]],
                    "name": "bell",
                    "global_phase": 0.0,
                    "metadata": {},
                },
                "instructions": [
                    {"name": "h", "qubits": [0]},
                    {"name": "cx", "qubits": [0, 1]},
                    {"name": "measure", "qubits": [0], "memory": [0]},
                    {"name": "measure", "qubits": [1], "memory": [1]},
                ],
            }
        ],
    }
    return json.dumps(qobj).encode()


def main() -> int:
    """Run the jobs and print the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--shots", type=int, default=64)
    args = parser.parse_args()
    api = urllib.parse.urlsplit(args.url).path  # /api
    login = Wire(args.url, "")
    access = login.call(
        "POST", f"{api}/users/loginWithToken", json.dumps({"apiToken": args.token}).encode()
    )["id"]
    wire = Wire(args.url, access)
    ws_base = wire.call("GET", f"{api}/users/me")["urls"]["ws"].rstrip("/")
    hub = wire.call("GET", f"{api}/Network")[0]
    group, projects = next(iter(hub["groups"].items()))
    project = next(iter(projects["projects"]))
    prefix = f"{api}/Network/{hub['name']}/Groups/{group}/Projects/{project}"
    qobj = bell_qobj(args.shots)
    local = threading.local()
    opened = [login, wire]  # every connection, closed at the end
    create = json.dumps(
        {"backend": {"name": "ibmq_qasm_simulator"}, "allowObjectStorage": True}
    ).encode()

    def one(_: int) -> str:
        if not hasattr(local, "wire"):
            local.wire = Wire(args.url, access)
            opened.append(local.wire)
        w: Wire = local.wire
        job = w.call("POST", f"{prefix}/Jobs", create)
        upload = urllib.parse.urlsplit(job["objectStorageInfo"]["uploadUrl"])
        w.call("PUT", f"{upload.path}?{upload.query}", qobj)
        w.call("POST", f"{prefix}/Jobs/{job['id']}/jobDataUploaded")
        with connect(f"{ws_base}/jobs/{job['id']}/status/v/1", compression=None) as ws:
            ws.send(json.dumps({"type": "authentication", "data": access}))
            ws.recv()
            while json.loads(ws.recv())["data"]["status"] not in FINAL:
                pass
        url = urllib.parse.urlsplit(
            w.call("GET", f"{prefix}/Jobs/{job['id']}/resultDownloadUrl")["url"]
        )
        result = w.call("GET", f"{url.path}?{url.query}")
        if sum(result["results"][0]["data"]["counts"].values()) != args.shots:
            raise RuntimeError("wrong result")
        w.call("POST", f"{prefix}/Jobs/{job['id']}/resultDownloaded")
        return str(job["id"])

    try:
        one(0)  # warm-up
        started = time.perf_counter()
        with ThreadPoolExecutor(args.workers) as pool:
            ids = list(pool.map(one, range(args.jobs)))
        elapsed = time.perf_counter() - started
    finally:
        for opened_wire in opened:
            opened_wire.connection.close()
    print(json.dumps({"elapsed_s": elapsed, "jobs_per_s": args.jobs / elapsed, "ids": ids}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
