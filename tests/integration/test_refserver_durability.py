"""A reference server killed with SIGKILL loses no job: after a restart it finishes them all."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from refserver.runner import ServerThread
from refserver.store import JobRecord
from refserver.testing import ApiSession, bell_qobj
from refserver.users import DEMO_TOKEN

LISTENING = re.compile(r"listening on (http://\S+/api)")


class ServerProcess:
    """``python -m refserver`` in a child process."""

    def __init__(self, data_dir: Path, *options: str) -> None:
        command = [
            sys.executable,
            "-m",
            "refserver",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--job-limit",
            "-1",
            "--log-level",
            "warning",
            *options,
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        self.url = self._wait_for_url(timeout=60)

    def _wait_for_url(self, timeout: float) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                seen.append(line)
                match = LISTENING.search(line)
                if match:
                    return match.group(1)
            if self.process.poll() is not None:
                break
        self.kill()
        raise AssertionError("server did not start:\n" + "".join(seen))

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._close_pipe()

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(20)
        self._close_pipe()
        return code

    def _close_pipe(self) -> None:
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def processes() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for process in started:
        process.kill()


def test_killed_server_resumes_and_finishes_every_accepted_job(
    tmp_path: Path, processes: list[ServerProcess]
) -> None:
    data_dir = tmp_path / "data"
    first = ServerProcess(data_dir, "--step-delay", "0.05", "--run-delay", "1.0")
    processes.append(first)
    session = ApiSession(first.url, DEMO_TOKEN)
    accepted = [session.submit(bell_qobj(shots=512, seed=seed)) for seed in range(6)]
    pending = session.create(name="uploaded-after-restart")
    session.wait_for(accepted[2], {"QUEUED"})
    before = {job_id: session.status(job_id)["status"] for job_id in accepted}
    # Killed with jobs in every stage: running, queued and still validating.
    assert {"RUNNING", "QUEUED", "VALIDATING"} <= set(before.values()), before
    old_token = session.access_token
    session.close()
    first.kill()

    second = ServerProcess(data_dir, "--step-delay", "0", "--run-delay", "0")
    processes.append(second)
    # Access tokens survive the restart: the old one still works on the new server.
    with httpx.Client(base_url=second.url, headers={"X-Access-Token": old_token}) as resumed:
        assert resumed.get("/users/me").status_code == 200
    session = ApiSession(second.url, DEMO_TOKEN)
    for job_id in accepted:
        assert session.wait_for(job_id, timeout=60)["status"] == "COMPLETED", job_id
        counts = session.result(job_id)["results"][0]["data"]["counts"]
        assert sum(counts.values()) == 512
        assert session.job(job_id)["summaryData"]["success"] is True
    # The upload URL signed before the kill is still valid (same key, new port).
    upload_url = pending["objectStorageInfo"]["uploadUrl"]
    moved = second.url.rsplit("/api", 1)[0] + upload_url[upload_url.index("/api") :]
    assert session.client.put(moved, json=bell_qobj()).status_code == 200
    session.request("POST", f"/Jobs/{pending['id']}/jobDataUploaded").raise_for_status()
    assert session.wait_for(pending["id"])["status"] == "COMPLETED"
    later = session.create()
    assert later["creationDate"] > max(session.job(j)["creationDate"] for j in accepted)
    session.close()
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert second.terminate() in (0, -signal.SIGTERM)


def test_a_job_stopped_between_created_and_validating_resumes(tmp_path: Path) -> None:
    with (
        ServerThread(data_dir=tmp_path) as server,
        ApiSession(server.auth_url, server.demo_token) as session,
    ):
        created = session.create()
        session.upload(created, bell_qobj()).raise_for_status()
        assert server.state is not None

        def recorded_created(job: JobRecord) -> bool:
            job.status = "CREATED"
            job.data_uploaded = True
            return True

        # As if the server died right after recording CREATED.
        server.state.store.update_job(created["id"], recorded_created)
    with (
        ServerThread(data_dir=tmp_path) as server,
        ApiSession(server.auth_url, server.demo_token) as session,
    ):
        assert session.wait_for(created["id"], timeout=30)["status"] == "COMPLETED"


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_cleanly_on_a_signal(
    tmp_path: Path, processes: list[ServerProcess], stop_signal: int
) -> None:
    server = ServerProcess(tmp_path / "data", "--log-level", "info")
    processes.append(server)
    with ApiSession(server.url, DEMO_TOKEN) as session:
        session.create()
    server.process.send_signal(stop_signal)
    output, _ = server.process.communicate(timeout=30)
    assert server.process.returncode == 0, output
    assert "Traceback" not in output, output
    assert "stopped" in output, output


def test_data_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with (
        ServerThread(data_dir=data_dir) as server,
        ApiSession(server.auth_url, server.demo_token) as session,
    ):
        job = session.create()
        session.upload(job, bell_qobj()).raise_for_status()
        paths = [data_dir, *data_dir.rglob("*")]
        assert len(paths) >= 4  # the directory, the database (+ WAL), objects/ (a small Qobj
        # is a row of the database)
        for path in paths:
            mode = path.stat().st_mode & 0o777
            assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
