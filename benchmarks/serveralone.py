"""The reference server alone: CPU per job, throughput, listings and status with long queues.

No SDK is involved: a bare-protocol client (``http.client`` and the status websocket, from
:mod:`benchmarks.rawclient`) drives ``python -m refserver`` in a child process, whose CPU
time is read from ``/proc/<pid>/stat`` (Linux). ``--server-path DIR`` runs the server from
another checkout (e.g. ``git archive`` of an older commit), so two versions can be compared
with the same client::

    .venv/bin/python -m benchmarks.serveralone                # this checkout
    .venv/bin/python -m benchmarks.serveralone --server-path /tmp/old --output old.json
    .venv/bin/python -m benchmarks.serveralone --against /tmp/old --rounds 5 --jobs 100

``--against DIR`` alternates: throughput rounds of the server from ``DIR`` ("base") and of
``--server-path`` (default this checkout, "candidate"), base first in odd rounds and
candidate first in even ones, so both meet the same load on a shared machine; it prints
each side's medians (jobs/s, CPU ms per job) and their ratios (candidate / base).

Figures (each in the JSON it prints or writes):

1. ``throughput``: ``--jobs`` Bell jobs (64 shots) through the whole life cycle at
   ``--workers`` in flight: jobs/s, and the server's CPU milliseconds per job.
2. ``listing``: with 100, 1,000 and 10,000 stored jobs (``--sizes``), the first page of 10
   (median of 5) and every page of 50 with the creationDate/id cursor of the original client.
3. ``status``: with 100 and 10,000 jobs queued (``--queued``; the simulator in maintenance
   so they stay queued), the median and p90 of ``GET .../status/v/1`` of the last queued job.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

from benchmarks.processes import RefServer
from benchmarks.rawclient import FINAL, Wire, bell_qobj

TOKEN = "ibmqjob-demo-token"
SIMULATOR = "ibmq_qasm_simulator"


@contextmanager
def running(path: Path | None, *options: str) -> Iterator[RefServer]:
    """A server of the checkout ``path`` (no delays, no job limit) for the block."""
    with RefServer(path, "--job-limit", "-1", *options) as server:
        yield server


class KeptAlive(Wire):
    """A :class:`Wire` that reconnects when the server closed the idle connection."""

    def call(self, method: str, path: str, body: bytes | None = None) -> Any:
        try:
            return super().call(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # uvicorn closes connections idle for 5 s, before reading the next request.
            self.connection.close()
            return super().call(method, path, body)


class Client:
    """The demo user's bare-protocol access to a server; one connection per thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.api = urllib.parse.urlsplit(url).path
        self._local = threading.local()
        self._wires: list[Wire] = []
        self._wires_lock = threading.Lock()
        login = KeptAlive(url, "")
        try:
            body = json.dumps({"apiToken": TOKEN}).encode()
            self.token = login.call("POST", f"{self.api}/users/loginWithToken", body)["id"]
        finally:
            login.connection.close()
        self.ws = self.wire().call("GET", f"{self.api}/users/me")["urls"]["ws"].rstrip("/")
        self.prefix = f"{self.api}/Network/ibm-q/Groups/open/Projects/main"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every thread's connection."""
        with self._wires_lock:
            wires, self._wires = self._wires, []
        for wire in wires:
            wire.connection.close()

    def wire(self) -> Wire:
        """This thread's connection."""
        wire: Wire | None = getattr(self._local, "wire", None)
        if wire is None:
            wire = self._local.wire = KeptAlive(self.url, self.token)
            with self._wires_lock:
                self._wires.append(wire)
        return wire

    def create(self) -> dict[str, Any]:
        """``POST /Jobs`` on the simulator."""
        body = json.dumps({"backend": {"name": SIMULATOR}, "allowObjectStorage": True})
        document: dict[str, Any] = self.wire().call("POST", f"{self.prefix}/Jobs", body.encode())
        return document

    def submit(self, qobj: bytes) -> str:
        """Create, upload and submit a job; its id."""
        job = self.create()
        upload = urllib.parse.urlsplit(job["objectStorageInfo"]["uploadUrl"])
        self.wire().call("PUT", f"{upload.path}?{upload.query}", qobj)
        self.wire().call("POST", f"{self.prefix}/Jobs/{job['id']}/jobDataUploaded")
        return str(job["id"])

    def whole_job(self, qobj: bytes, shots: int) -> str:
        """Submit a job, wait on the websocket, download and acknowledge its result."""
        job_id = self.submit(qobj)
        with connect(f"{self.ws}/jobs/{job_id}/status/v/1", compression=None) as ws:
            ws.send(json.dumps({"type": "authentication", "data": self.token}))
            ws.recv()
            while json.loads(ws.recv())["data"]["status"] not in FINAL:
                pass
        wire = self.wire()
        url = wire.call("GET", f"{self.prefix}/Jobs/{job_id}/resultDownloadUrl")["url"]
        parts = urllib.parse.urlsplit(url)
        result = wire.call("GET", f"{parts.path}?{parts.query}")
        if sum(result["results"][0]["data"]["counts"].values()) != shots:
            raise RuntimeError("wrong result")
        wire.call("POST", f"{self.prefix}/Jobs/{job_id}/resultDownloaded")
        return job_id

    def listing(self, filter_: dict[str, Any]) -> list[dict[str, Any]]:
        """``GET /Jobs/status/v/1`` with a filter."""
        query = urllib.parse.urlencode({"filter": json.dumps(filter_)})
        documents: list[dict[str, Any]] = self.wire().call(
            "GET", f"{self.prefix}/Jobs/status/v/1?{query}"
        )
        return documents

    def all_pages(self, page: int) -> int:
        """Page through every job with the original client's cursor; the number listed."""
        listed = 0
        cursor: dict[str, Any] | None = None
        while True:
            where: dict[str, Any] = {}
            if cursor is not None:
                where["and"] = [
                    {"creationDate": {"lte": cursor["creationDate"]}},
                    {"id": {"nin": [cursor["id"]]}},
                ]
            items = self.listing({"order": "creationDate DESC", "limit": page, "where": where})
            if not items:
                return listed
            listed += len(items)
            cursor = items[-1]

    def queue_length(self) -> int:
        """``lengthQueue`` of the simulator."""
        path = f"{self.prefix}/devices/{SIMULATOR}/queue/status"
        return int(self.wire().call("GET", path)["lengthQueue"])


def parallel(workers: int, count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work`` ``count`` times with ``workers`` threads."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(work, range(count)))


def bench_throughput(path: Path | None, jobs: int, workers: int) -> dict[str, Any]:
    """Jobs/s and server CPU per job for whole Bell-job life cycles."""
    shots = 64
    qobj = bell_qobj(shots)
    with running(path) as server, Client(server.url) as client:
        parallel(workers, workers * 2, lambda _: client.whole_job(qobj, shots))  # warm-up
        cpu = server.cpu_seconds()
        started = time.perf_counter()
        parallel(workers, jobs, lambda _: client.whole_job(qobj, shots))
        elapsed = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu
    return {
        "jobs": jobs,
        "workers": workers,
        "jobs_per_s": round(jobs / elapsed, 1),
        "server_cpu_ms_per_job": round(1000 * cpu / jobs, 2),
        "elapsed_s": round(elapsed, 2),
    }


def bench_listing(path: Path | None, sizes: list[int], workers: int) -> list[dict[str, Any]]:
    """First page and all pages of listings as the number of stored jobs grows."""
    rows = []
    with running(path) as server, Client(server.url) as client:
        stored = 0
        for size in sorted(sizes):
            parallel(workers, size - stored, lambda _: client.create())
            stored = size
            samples = []
            for _ in range(5):
                started = time.perf_counter()
                page = client.listing({"order": "creationDate DESC", "limit": 10})
                samples.append(time.perf_counter() - started)
                assert len(page) == 10
            started = time.perf_counter()
            listed = client.all_pages(50)
            every = time.perf_counter() - started
            if listed != size:
                raise RuntimeError(f"paging listed {listed} of {size} jobs")
            rows.append(
                {
                    "jobs": size,
                    "first_page_ms": round(1000 * statistics.median(samples), 2),
                    "all_pages_s": round(every, 3),
                    "pages": -(-size // 50),
                }
            )
    return rows


def bench_status(path: Path | None, queued: list[int], workers: int) -> list[dict[str, Any]]:
    """Status latency of the last queued job as the queue grows."""
    rows = []
    qobj = bell_qobj(64)
    with running(path, "--maintenance", SIMULATOR) as server, Client(server.url) as client:
        total = 0
        last = ""
        for size in sorted(queued):
            ids = parallel(workers, size - total, lambda _: client.submit(qobj))
            total = size
            last = ids[-1] if ids else last
            deadline = time.monotonic() + 600
            while client.queue_length() < size:
                if time.monotonic() > deadline:
                    raise RuntimeError("jobs did not reach the queue")
                time.sleep(0.2)
            path_ = f"{client.prefix}/Jobs/{last}/status/v/1"
            samples = []
            for _ in range(200):
                started = time.perf_counter()
                document = client.wire().call("GET", path_)
                samples.append(time.perf_counter() - started)
            assert document["status"] == "QUEUED" and "infoQueue" in document
            samples.sort()
            rows.append(
                {
                    "queued": size,
                    "status_p50_ms": round(1000 * samples[len(samples) // 2], 3),
                    "status_p90_ms": round(1000 * samples[int(len(samples) * 0.9)], 3),
                }
            )
    return rows


def alternate(
    base: Path, candidate: Path | None, rounds: int, jobs: int, workers: int
) -> dict[str, Any]:
    """Throughput of ``base`` and ``candidate`` in alternating rounds; medians and ratios."""
    runs: dict[str, list[dict[str, Any]]] = {"base": [], "candidate": []}
    paths = {"base": base, "candidate": candidate}
    for round_ in range(rounds):
        order = ["base", "candidate"] if round_ % 2 == 0 else ["candidate", "base"]
        for side in order:
            figures = bench_throughput(paths[side], jobs, workers)
            figures["load"] = round(os.getloadavg()[0], 2)
            runs[side].append(figures)
            print(f"round {round_ + 1} {side}: {json.dumps(figures)}", file=sys.stderr)
    medians = {
        side: {
            "jobs_per_s": statistics.median(r["jobs_per_s"] for r in rows),
            "server_cpu_ms_per_job": statistics.median(r["server_cpu_ms_per_job"] for r in rows),
        }
        for side, rows in runs.items()
    }
    return {
        "rounds": rounds,
        "jobs": jobs,
        "workers": workers,
        "base_path": str(base),
        "medians": medians,
        "ratio_jobs_per_s": round(
            medians["candidate"]["jobs_per_s"] / medians["base"]["jobs_per_s"], 3
        ),
        "ratio_cpu_per_job": round(
            medians["candidate"]["server_cpu_ms_per_job"]
            / medians["base"]["server_cpu_ms_per_job"],
            3,
        ),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print (or write) the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serveralone")
    parser.add_argument("--server-path", type=Path, help="checkout to run the server from")
    parser.add_argument("--only", nargs="*", default=["throughput", "listing", "status"])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--queued", default="100,10000")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--against", type=Path, help="base checkout: alternating throughput")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each (--against)")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "server_path": str(args.server_path or "."),
        "load_before": os.getloadavg(),
    }
    if args.against is not None:
        report["alternating"] = alternate(
            args.against, args.server_path, args.rounds, args.jobs, args.workers
        )
    elif "throughput" in args.only:
        report["throughput"] = bench_throughput(args.server_path, args.jobs, args.workers)
    if "listing" in args.only and args.against is None:
        sizes = [int(s) for s in args.sizes.split(",")]
        report["listing"] = bench_listing(args.server_path, sizes, args.workers)
    if "status" in args.only and args.against is None:
        queued = [int(s) for s in args.queued.split(",")]
        report["status"] = bench_status(args.server_path, queued, args.workers)
    report["load_after"] = os.getloadavg()
    text = json.dumps(report, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
