"""The ``resultDownloaded`` acknowledgement leaves ``result()``'s critical path without being
lost: it is sent before the account's next request, when the account closes, or at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ibmqjob.provider import AccountProvider
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell, demo_provider

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def provider(reference_server: ServerThread) -> Iterator[AccountProvider]:
    with demo_provider(reference_server) as provider:
        yield provider


def acknowledged(server: ServerThread, job_id: str) -> bool:
    state = server.state
    assert state is not None
    record = state.store.get_job(job_id)
    assert record is not None
    return bool(record.result_downloaded)


def test_the_acknowledgement_goes_with_the_next_request(
    reference_server: ServerThread, provider: AccountProvider
) -> None:
    backend = provider.get_backend(SIMULATOR)
    job = backend.run(bell(), shots=32)
    assert sum(job.result().get_counts().values()) == 32
    assert not acknowledged(reference_server, job.job_id())
    backend.status()
    assert acknowledged(reference_server, job.job_id())


def test_the_acknowledgement_is_sent_at_exit(reference_server: ServerThread) -> None:
    script = (
        "import sys\n"
        "from ibmqjob import IBMQ\n"
        "from qiskit import QuantumCircuit\n"
        "provider = IBMQ.enable_account(sys.argv[1], url=sys.argv[2])\n"
        "circuit = QuantumCircuit(1, 1)\n"
        "circuit.measure(0, 0)\n"
        f"job = provider.get_backend({SIMULATOR!r}).run(circuit, shots=8)\n"
        "job.result()\n"
        "print(job.job_id())\n"
    )
    assert reference_server.demo_token is not None
    done = subprocess.run(
        [sys.executable, "-c", script, reference_server.demo_token, reference_server.auth_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    job_id = done.stdout.strip().splitlines()[-1]
    assert acknowledged(reference_server, job_id)


def test_the_acknowledgement_is_sent_when_the_account_closes(
    reference_server: ServerThread,
) -> None:
    with demo_provider(reference_server) as provider:
        job = provider.get_backend(SIMULATOR).run(bell(), shots=16)
        job.result()
        assert not acknowledged(reference_server, job.job_id())
    assert acknowledged(reference_server, job.job_id())
