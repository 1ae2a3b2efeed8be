"""A reference server behind the fault proxy, and the SDK account that talks to it.

The server is started with its public URL set to the proxy's, so that every URL it hands out
(API, status websocket, signed storage) leads through the proxy. What the server really
holds is read directly, around the proxy (:meth:`FaultyServer.jobs_tagged`), to count jobs
created twice or cancelled by mistake.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from qiskit import QuantumCircuit

from benchmarks.faultkit.proxy import FaultProxy
from ibmqjob import IBMQBackend, IBMQFactory
from ibmqjob.settings import HttpSettings
from refserver.runner import ServerThread
from refserver.testing import ApiSession
from refserver.users import DEMO_TOKEN

__all__ = ["SIMULATOR", "FaultyServer", "ServerProcess", "bell", "faulty_server", "unique_tag"]

ROOT = Path(__file__).resolve().parents[2]

SIMULATOR = "ibmq_qasm_simulator"


def bell(name: str = "bell") -> QuantumCircuit:
    """A Bell circuit measuring both qubits: counts only ``00`` and ``11``."""
    circuit = QuantumCircuit(2, 2, name=name)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


def unique_tag(prefix: str) -> str:
    """A tag no other scenario uses, to find a scenario's jobs on a shared server."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Server(Protocol):
    """A running reference server, in a thread or in a child process."""

    port: int
    auth_url: str
    demo_token: str | None

    def stop(self) -> None:
        """Stop it."""
        ...


class ServerProcess:
    """A reference server (``python -m refserver``) in a child process, so that the memory
    of this process is the client's (and the proxy's) only.

    Args:
        public_url: The URL the server hands out (the proxy's).
        step_delay: Seconds of each of VALIDATING, VALIDATED and QUEUED.
    """

    def __init__(self, public_url: str, step_delay: float = 0.0) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.auth_url = f"http://127.0.0.1:{self.port}/api"
        self.demo_token: str | None = DEMO_TOKEN
        self._data = tempfile.TemporaryDirectory(prefix="faultrun-")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generated")])}
        command = [sys.executable, "-m", "refserver", "--port", str(self.port)]
        command += ["--public-url", public_url, "--data-dir", self._data.name]
        command += ["--job-limit", "-1", "--step-delay", str(step_delay), "--log-level", "warning"]
        self._process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self._process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.auth_url + "/version", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the reference server did not start")

    def stop(self) -> None:
        """Stop the server and remove its data."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self._data.cleanup()


@dataclass
class FaultyServer:
    """A running reference server and the proxy in front of it.

    Attributes:
        proxy: The fault proxy (add rules to it).
        server: The reference server.
    """

    proxy: FaultProxy
    server: Server

    @property
    def auth_url(self) -> str:
        """The API URL through the proxy."""
        return self.proxy.url + "/api"

    @contextlib.contextmanager
    def backend(
        self, settings: HttpSettings | None = None, *, use_websocket: bool = True
    ) -> Iterator[IBMQBackend]:
        """The simulator of the demo user's account, reached through the proxy.

        Args:
            settings: The account's HTTP settings (defaults if ``None``).
            use_websocket: Whether jobs wait on the status websocket.

        Yields:
            The backend; the account is disabled afterwards.
        """
        assert self.server.demo_token is not None
        factory = IBMQFactory()
        provider = factory.enable_account(
            self.server.demo_token,
            self.auth_url,
            http_settings=settings,
            use_websocket=use_websocket,
        )
        try:
            backend: IBMQBackend = provider.get_backend(SIMULATOR)
            yield backend
        finally:
            factory.disable_account()

    def jobs_tagged(self, tag: str) -> list[dict[str, Any]]:
        """The job documents on the server with ``tag``, read around the proxy."""
        assert self.server.demo_token is not None
        with ApiSession(self.server.auth_url, self.server.demo_token) as session:
            return session.jobs({"where": {"tags": tag}, "limit": 1000})

    def job_document(self, job_id: str) -> dict[str, Any]:
        """The full job document (``timePerStep`` included), read around the proxy."""
        assert self.server.demo_token is not None
        with ApiSession(self.server.auth_url, self.server.demo_token) as session:
            return session.job(job_id)

    def wait_final(self, job_id: str, timeout: float = 60.0) -> str:
        """Wait (around the proxy) until the job is final on the server; its status."""
        assert self.server.demo_token is not None
        with ApiSession(self.server.auth_url, self.server.demo_token) as session:
            status: str = session.wait_for(job_id, timeout=timeout)["status"]
            return status

    def status_of(self, job_id: str) -> str:
        """The job's status on the server, read around the proxy."""
        assert self.server.demo_token is not None
        with ApiSession(self.server.auth_url, self.server.demo_token) as session:
            status: str = session.status(job_id)["status"]
            return status


@contextlib.contextmanager
def faulty_server(*, in_process: bool = True, **server_settings: Any) -> Iterator[FaultyServer]:
    """Start a reference server behind a fault proxy; both stop at the end.

    Args:
        in_process: Run the server in a thread (else a child process, with ``step_delay``
            as its only setting).
        **server_settings: :class:`~refserver.runner.ServerThread` settings (delays...).

    Yields:
        The pair.
    """
    settings = {"step_delay": 0.0, "run_delay": 0.0, "job_limit": -1, **server_settings}
    with FaultProxy() as proxy:
        server: Server
        if in_process:
            server = ServerThread(public_url=proxy.url, **settings).start()
        else:
            server = ServerProcess(proxy.url, step_delay=settings["step_delay"])
        try:
            proxy.set_upstream(server.port)
            yield FaultyServer(proxy, server)
        finally:
            server.stop()
