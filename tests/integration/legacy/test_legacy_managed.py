"""Job sets cross between the clients: the original client's ``IBMQJobManager`` retrieves a
set that ibmqjob's created, and ibmqjob retrieves one the original created, with the same
name, tags, jobs, experiment ranges and counts."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qiskit import QuantumCircuit

from ibmqjob.account import IBMQFactory
from ibmqjob.managed import IBMQJobManager, ManagedJobSet
from ibmqjob.provider import AccountProvider
from refserver.runner import ServerThread

pytestmark = [pytest.mark.legacy, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("legacy_managed.py")
CIRCUITS = 5


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(job_limit=-1) as server:
        yield server


@pytest.fixture
def provider(server: ServerThread) -> Iterator[AccountProvider]:
    assert server.demo_token is not None
    factory = IBMQFactory()
    provider = factory.enable_account(server.demo_token, server.auth_url)
    yield provider
    factory.disable_account()


def _environment() -> dict[str, str]:
    """A clean environment for the legacy interpreter: loopback never goes through a proxy."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def original(legacy_python: Path, server: ServerThread, *args: str) -> dict[str, Any]:
    """Run the original client's job manager script; its JSON report."""
    assert server.demo_token is not None
    command = [str(legacy_python), str(SCRIPT), *args, "--url", server.auth_url]
    command += ["--token", server.demo_token]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=240, env=_environment(), cwd=ROOT
    )
    if done.returncode != 0:
        pytest.fail(f"the original client failed:\n{done.stderr[-5000:]}", pytrace=False)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def x_on(qubits: int, name: str) -> QuantumCircuit:
    circuit = QuantumCircuit(qubits, qubits, name=name)
    circuit.x(range(qubits))
    circuit.measure(range(qubits), range(qubits))
    return circuit


def describe(job_set: ManagedJobSet) -> dict[str, Any]:
    """The same description as the original client's script gives."""
    results = job_set.results(timeout=120)
    ranges = [[m.start_index, m.end_index] for m in job_set.managed_jobs()]
    return {
        "job_set_id": job_set.job_set_id(),
        "name": job_set.name(),
        "tags": sorted(job_set.tags()),
        "success": results.success,
        "job_names": [job.name() if job else None for job in job_set.jobs()],
        "ranges": ranges,
        "counts": [results.get_counts(i) for i in range(ranges[-1][1] + 1)],
        "by_name": results.get_counts("x1"),
    }


EXPECTED_COUNTS = [{"1" * (1 + i % 3): 30} for i in range(CIRCUITS)]


def test_the_original_retrieves_a_set_made_by_ibmqjob(
    legacy_python: Path, server: ServerThread, provider: AccountProvider
) -> None:
    backend = provider.get_backend("ibmq_qasm_simulator")
    circuits = [x_on(1 + i % 3, f"x{i}") for i in range(CIRCUITS)]
    job_set = IBMQJobManager().run(
        circuits, backend, name="ours-set", max_experiments_per_job=2, job_tags=["ours"], shots=30
    )
    ours = describe(job_set)
    assert ours["counts"] == EXPECTED_COUNTS

    retrieved = original(legacy_python, server, "retrieve", "--job-set-id", job_set.job_set_id())

    assert retrieved == ours
    assert retrieved["job_names"] == ["ours-set_0_", "ours-set_1_", "ours-set_2_"]


def test_ibmqjob_retrieves_a_set_made_by_the_original(
    legacy_python: Path, server: ServerThread, provider: AccountProvider
) -> None:
    created = original(
        legacy_python, server, "create", "--name", "legacy-set", "--circuits", str(CIRCUITS)
    )
    assert created["counts"] == EXPECTED_COUNTS

    job_set = IBMQJobManager().retrieve_job_set(created["job_set_id"], provider)

    assert describe(job_set) == created
