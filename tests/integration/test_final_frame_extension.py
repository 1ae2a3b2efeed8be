"""The optional extension of the final ``job-status`` frame (``resultUrl`` and ``job``): the
reference server sends it when asked to, ibmqjob uses it, the original client ignores it,
and the conformance validator accepts a server with it as one without it."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ibmqjob.cli import main
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell, demo_provider

ROOT = Path(__file__).resolve().parents[2]
LEGACY_PYTHON = ROOT / ".venv-legacy" / "bin" / "python"


@pytest.fixture
def extended(server_factory: Callable[..., ServerThread]) -> Iterator[ServerThread]:
    yield server_factory(run_delay=0.3, job_limit=-1, final_frame_extension=True)


def requests_logged(caplog: pytest.LogCaptureFixture, part: str) -> int:
    return sum(1 for r in caplog.records if r.name == "httpx" and part in r.getMessage())


def test_the_sdk_downloads_from_the_frames_url_and_keeps_its_document(
    extended: ServerThread, caplog: pytest.LogCaptureFixture
) -> None:
    with demo_provider(extended) as provider:
        job = provider.get_backend(SIMULATOR).run(bell(), shots=64)
        with caplog.at_level(logging.INFO, logger="httpx"):
            counts = job.result().get_counts()
            steps = job.time_per_step()
            data = job.to_dict()
        assert sum(counts.values()) == 64
        assert steps is not None and "COMPLETED" in steps
        assert data["status"] == "COMPLETED"
        assert requests_logged(caplog, "resultDownloadUrl") == 0
        assert requests_logged(caplog, f"/Jobs/{job.job_id()}/v/1") == 0
        assert requests_logged(caplog, "HTTP Request: GET") == 1  # the download itself


def test_without_the_extension_the_sdk_asks_for_the_url(
    server_factory: Callable[..., ServerThread], caplog: pytest.LogCaptureFixture
) -> None:
    server = server_factory(run_delay=0.3, job_limit=-1)
    with demo_provider(server) as provider:
        job = provider.get_backend(SIMULATOR).run(bell(), shots=64)
        with caplog.at_level(logging.INFO, logger="httpx"):
            assert sum(job.result().get_counts().values()) == 64
            assert requests_logged(caplog, "resultDownloadUrl") == 1
            assert requests_logged(caplog, f"/Jobs/{job.job_id()}/v/1") == 0
            steps = job.time_per_step()  # fetched now, from the final document
            assert steps is not None and "COMPLETED" in steps
            assert requests_logged(caplog, f"/Jobs/{job.job_id()}/v/1") == 1


LEGACY_SCRIPT = """
import sys, warnings
warnings.filterwarnings("ignore")
from qiskit import IBMQ, QuantumCircuit, transpile
provider = IBMQ.enable_account(sys.argv[1], url=sys.argv[2])
backend = provider.get_backend("ibmq_qasm_simulator")
circuit = QuantumCircuit(2, 2)
circuit.h(0)
circuit.cx(0, 1)
circuit.measure([0, 1], [0, 1])
job = backend.run(transpile(circuit, backend), shots=128)
print(sum(job.result().get_counts().values()), job.status().name)
"""


@pytest.mark.legacy
@pytest.mark.timeout(180)
def test_the_original_client_ignores_the_extension(extended: ServerThread) -> None:
    if not LEGACY_PYTHON.exists():
        pytest.skip(".venv-legacy is missing (bash scripts/bootstrap --legacy)")
    assert extended.demo_token is not None
    done = subprocess.run(
        [str(LEGACY_PYTHON), "-c", LEGACY_SCRIPT, extended.demo_token, extended.auth_url],
        capture_output=True,
        text=True,
        timeout=170,
        env={**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "PYTHONPATH": ""},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-2:] == ["128", "DONE"]


@pytest.mark.slow
def test_the_validator_accepts_a_server_sending_the_extension(
    extended: ServerThread, tmp_path: Path
) -> None:
    assert extended.demo_token is not None
    code = main(
        [
            "conformance",
            "--url",
            extended.auth_url,
            "--token",
            extended.demo_token,
            "--profile",
            "websocket",
            "--no-schema",
            "--strict",
            "--timeout",
            "30",
            "--report-dir",
            str(tmp_path / "reports"),
        ]
    )
    assert code == 0
