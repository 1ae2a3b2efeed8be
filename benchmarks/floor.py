"""The physical floor: what no client can beat on this machine.

* One loopback HTTP round trip on a kept-alive connection: to the reference server
  (``GET /api/version``, through the whole application) and to the benchmark middleware
  alone (``/_bench/ping``, no application code).
* The big result: the bare download of its bytes, a bare ``json.loads`` of them (the first
  call in a fresh process, as a client pays it, and the best of three), and qiskit's
  ``Result.from_dict`` of the parsed document. Measured in a child process of the project's
  ``.venv`` with qiskit imported, like a client.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from typing import Any

from benchmarks.processes import PYTHONS, ROOT, BenchServer, clean_environment
from benchmarks.stats import median, rounded


def round_trip_ms(base_url: str, path: str, count: int = 200) -> float:
    """Median time of ``count`` GETs of ``path`` on one kept-alive connection, in ms."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    samples = []
    try:
        for index in range(count + 5):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if index >= 5:  # the first few warm the connection up
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return median(samples)


def _api(base: str, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Access-Token"] = token
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def result_url(server: BenchServer, job_id: str) -> str:
    """A signed download URL of the job's result, obtained with bare HTTP calls."""
    api = server.auth_url
    access = _api(api, "/users/loginWithToken", body={"apiToken": server.token})["id"]
    hubs = _api(api, "/Network", access)
    hub = hubs[0]
    group, group_data = next(iter(hub["groups"].items()))
    project = next(
        (name for name, data in group_data["projects"].items() if data.get("isDefault")),
        next(iter(group_data["projects"])),
    )
    prefix = f"/Network/{hub['name']}/Groups/{group}/Projects/{project}"
    url: str = _api(api, f"{prefix}/Jobs/{job_id}/resultDownloadUrl", access)["url"]
    return url


_PAYLOAD_PROBE = r"""
import json, sys, time, urllib.request, warnings
warnings.filterwarnings("ignore")
from qiskit.result import Result
url = sys.argv[1]
downloads = []
for _ in range(3):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    downloads.append(time.perf_counter() - started)
loads = []
for _ in range(3):
    started = time.perf_counter()
    parsed = json.loads(data)
    loads.append(time.perf_counter() - started)
    if len(loads) < 3:
        del parsed
started = time.perf_counter()
Result.from_dict(parsed)
from_dict = time.perf_counter() - started
print(json.dumps({"bytes": len(data), "downloads": downloads, "loads": loads,
                  "from_dict": from_dict}))
"""


def payload_floor(server: BenchServer, job_id: str) -> dict[str, Any]:
    """Bare download, ``json.loads`` and ``Result.from_dict`` of the big result."""
    done = subprocess.run(
        [str(PYTHONS["ours"]), "-c", _PAYLOAD_PROBE, result_url(server, job_id)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_environment(source_tree=True),
    )
    if done.returncode != 0:
        raise RuntimeError(f"payload floor probe failed:\n{done.stderr[-2000:]}")
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "payload_mb": rounded(probe["bytes"] / 2**20, 2),
        "download_ms": rounded(min(probe["downloads"]) * 1000, 1),
        "json_loads_first_ms": rounded(probe["loads"][0] * 1000, 1),
        "json_loads_best_ms": rounded(min(probe["loads"]) * 1000, 1),
        "result_from_dict_ms": rounded(probe["from_dict"] * 1000, 2),
    }


def loopback_floor(server: BenchServer) -> dict[str, Any]:
    """Loopback HTTP round trips to the server and to the middleware alone."""
    return {
        "http_round_trip_ms": rounded(round_trip_ms(server.base_url, "/api/version")),
        "bare_round_trip_ms": rounded(round_trip_ms(server.base_url, "/_bench/ping")),
    }


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run scripts/bench")
