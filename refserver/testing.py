"""Raw HTTP helpers to drive a reference server from tests and demos.

:class:`ApiSession` speaks the wire protocol directly (httpx), without the SDK,
so server tests do not depend on the client they are meant to check.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from refserver import statuses

DEFAULT_PROJECT = ("ibm-q", "open", "main")


def qobj_json(qobj: Any) -> dict[str, Any]:
    """A Qobj (qiskit object or dict) as the JSON the original client uploads."""

    def default(value: Any) -> Any:
        if isinstance(value, complex):
            return [value.real, value.imag]
        if hasattr(value, "tolist"):
            return value.tolist()
        raise TypeError(f"cannot encode {type(value).__name__}")

    data = qobj.to_dict() if hasattr(qobj, "to_dict") else qobj
    decoded: dict[str, Any] = json.loads(json.dumps(data, default=default))
    return decoded


def circuit_qobj(
    name: str,
    n_qubits: int,
    instructions: list[dict[str, Any]],
    shots: int = 1024,
    seed: int | None = 42,
    **config: Any,
) -> dict[str, Any]:
    """The Qobj of one circuit on a register ``q`` of ``n_qubits`` and ``c`` of as many bits.

    Written the way qiskit 0.46's ``assemble`` writes it (same fields and order), without
    qiskit: the server's tests build their input the same on every qiskit line.

    Args:
        name: the experiment's name.
        n_qubits: qubits and memory slots.
        instructions: the experiment's instructions (``name``, ``qubits``, ``memory``...).
        shots: ``config.shots``.
        seed: ``config.seed_simulator`` (None: left out).
        **config: more ``config`` fields.
    """
    qobj_config: dict[str, Any] = {"shots": shots}
    if seed is not None:
        qobj_config["seed_simulator"] = seed
    qobj_config.update(
        {
            "memory": False,
            "parameter_binds": [],
            "meas_level": 2,
            "init_qubits": True,
            "parametric_pulses": [],
            "memory_slots": n_qubits,
            "n_qubits": n_qubits,
        }
    )
    qobj_config.update(config)
    header = {
        "qubit_labels": [["q", i] for i in range(n_qubits)],
        "n_qubits": n_qubits,
        "qreg_sizes": [["q", n_qubits]],
        "clbit_labels": [["c", i] for i in range(n_qubits)],
        "memory_slots": n_qubits,
        "creg_sizes": [["c", n_qubits]],
        "name": name,
        "global_phase": 0.0,
        "metadata": {},
    }
    return {
        "qobj_id": str(uuid.uuid4()),
        "header": {},
        "config": qobj_config,
        "schema_version": "1.3.0",
        "type": "QASM",
        "experiments": [
            {
                "config": {"n_qubits": n_qubits, "memory_slots": n_qubits},
                "header": header,
                "instructions": instructions,
            }
        ],
    }


def ghz_qobj(
    n_qubits: int = 3, shots: int = 1024, seed: int | None = 42, **config: Any
) -> dict[str, Any]:
    """The Qobj of a GHZ circuit (named ``ghz``): H on qubit 0, a CX chain, every qubit
    measured into the memory slot of the same index."""
    instructions: list[dict[str, Any]] = [{"name": "h", "qubits": [0]}]
    instructions += [{"name": "cx", "qubits": [i, i + 1]} for i in range(n_qubits - 1)]
    instructions += [{"name": "measure", "qubits": [i], "memory": [i]} for i in range(n_qubits)]
    return circuit_qobj("ghz", n_qubits, instructions, shots, seed, **config)


def bell_qobj(shots: int = 1024, seed: int | None = 42, **config: Any) -> dict[str, Any]:
    """The Qobj of a Bell circuit (named ``bell``) for the simulator."""
    qobj = ghz_qobj(2, shots, seed, **config)
    qobj["experiments"][0]["header"]["name"] = "bell"
    return qobj


class ApiSession:
    """A logged-in session of one user in one project.

    Args:
        auth_url: the server's API base (``.../api``).
        api_token: the user's API token; ``None`` (a server's ``demo_token`` or
            ``other_token`` when its users file has no such user) is refused.
        project: ``(hub, group, project)``.
        client_app: value of ``X-Qx-Client-Application``.
    """

    def __init__(
        self,
        auth_url: str,
        api_token: str | None,
        project: tuple[str, str, str] = DEFAULT_PROJECT,
        client_app: str = "refserver-tests/1.0",
    ) -> None:
        if api_token is None:
            raise ValueError("no API token: the server has no such user")
        self.client = httpx.Client(base_url=auth_url, timeout=30)
        login = self.client.post("/users/loginWithToken", json={"apiToken": api_token})
        login.raise_for_status()
        self.access_token: str = login.json()["id"]
        self.client.headers.update(
            {"X-Access-Token": self.access_token, "X-Qx-Client-Application": client_app}
        )
        self.prefix = "/Network/{}/Groups/{}/Projects/{}".format(*project)

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()

    def __enter__(self) -> ApiSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request to ``path`` under the project prefix."""
        return self.client.request(method, self.prefix + path, **kwargs)

    def create(self, backend: str = "ibmq_qasm_simulator", **fields: Any) -> dict[str, Any]:
        """``POST /Jobs``; the new job document (raises on an error status)."""
        body = {"backend": {"name": backend}, "allowObjectStorage": True, "liveDataEnabled": None}
        body.update(fields)
        response = self.request("POST", "/Jobs", json=body)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document

    def upload(self, document: dict[str, Any], qobj: dict[str, Any]) -> httpx.Response:
        """PUT the Qobj to the job's signed upload URL (with the headers the client sends)."""
        return self.client.put(
            document["objectStorageInfo"]["uploadUrl"],
            content=json.dumps(qobj),
            headers={"Content-Type": "application/json"},
        )

    def submit(
        self, qobj: dict[str, Any], backend: str = "ibmq_qasm_simulator", **fields: Any
    ) -> str:
        """Create, upload and submit a job; its id."""
        document = self.create(backend, **fields)
        self.upload(document, qobj).raise_for_status()
        self.request("POST", f"/Jobs/{document['id']}/jobDataUploaded").raise_for_status()
        job_id: str = document["id"]
        return job_id

    def job(self, job_id: str) -> dict[str, Any]:
        """``GET /Jobs/{id}/v/1``."""
        response = self.request("GET", f"/Jobs/{job_id}/v/1")
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document

    def status(self, job_id: str) -> dict[str, Any]:
        """``GET /Jobs/{id}/status/v/1``."""
        response = self.request("GET", f"/Jobs/{job_id}/status/v/1")
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document

    def wait_for(
        self, job_id: str, wanted: set[str] | None = None, timeout: float = 60
    ) -> dict[str, Any]:
        """Poll the status until it is in ``wanted`` (default: any final status)."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(job_id)
            if status["status"] in (wanted or statuses.FINAL):
                return status
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {status['status']} after {timeout} s")
            time.sleep(0.01)

    def result(self, job_id: str) -> dict[str, Any]:
        """Download the job's result through its signed URL."""
        response = self.request("GET", f"/Jobs/{job_id}/resultDownloadUrl")
        response.raise_for_status()
        download = self.client.get(response.json()["url"])
        download.raise_for_status()
        result: dict[str, Any] = download.json()
        return result

    def jobs(
        self, filter_: dict[str, Any] | None = None, ids: bool = False
    ) -> list[dict[str, Any]]:
        """List jobs (J7, or J8 when ``ids``) with a LoopBack filter."""
        params = {"filter": json.dumps(filter_)} if filter_ is not None else {}
        response = self.request("GET", "/Jobs/v/1" if ids else "/Jobs/status/v/1", params=params)
        response.raise_for_status()
        documents: list[dict[str, Any]] = response.json()
        return documents


def cursor_pages(
    session: ApiSession, where: dict[str, Any], limit: int, page: int, descending: bool = True
) -> list[dict[str, Any]]:
    """List jobs the way qiskit-ibmq-provider 0.20.2 pages: a creationDate/last-id cursor.

    Every page after the first asks for ``creationDate`` up to (or from) the last
    item's and excludes only the last item's id, so jobs sharing a creation date
    at a page boundary repeat or go missing on a server without distinct dates.
    """
    order = "creationDate DESC" if descending else "creationDate ASC"
    fetched: list[dict[str, Any]] = []
    cursor: dict[str, Any] = {}
    while len(fetched) < limit:
        clauses = dict(where)
        if cursor:
            clauses["and"] = [
                {"creationDate": {"lte" if descending else "gte": cursor["date"]}},
                {"id": {"nin": [cursor["id"]]}},
            ]
        items = session.jobs(
            {"order": order, "limit": min(page, limit - len(fetched)), "where": clauses}
        )
        if not items:
            break
        fetched.extend(items)
        cursor = {"date": items[-1]["creationDate"], "id": items[-1]["id"]}
    return fetched


def status_stream(
    ws_url: str,
    job_id: str,
    access_token: str,
    on_frame: Callable[[dict[str, Any]], None] | None = None,
    timeout: float = 20,
) -> tuple[list[dict[str, Any]], int | None]:
    """Follow a job on the status websocket until the server closes.

    Args:
        ws_url: the websocket base (``urls.ws``).
        job_id: the job.
        access_token: sent in the authentication message.
        on_frame: called with every frame received.
        timeout: seconds to wait for each frame.

    Returns:
        The frames received (JSON) and the server's close code.
    """
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    frames: list[dict[str, Any]] = []
    with connect(f"{ws_url}/jobs/{job_id}/status/v/1", proxy=None, open_timeout=10) as socket:
        socket.send(json.dumps({"type": "authentication", "data": access_token}))
        try:
            while True:
                frame = json.loads(socket.recv(timeout=timeout))
                frames.append(frame)
                if on_frame is not None:
                    on_frame(frame)
        except ConnectionClosed as closed:
            return frames, closed.rcvd.code if closed.rcvd else None
