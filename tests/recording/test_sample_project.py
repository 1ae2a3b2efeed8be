"""A user's project records a session against a reference server, then replays it offline.

The sample project (``sample_project/``, its own conftest and cassette folder) is copied to a
scratch folder and run by pytest in a subprocess, as a user would run it: first with
``--record-mode=once`` against a reference server started here, then, the server stopped,
with ``--block-network`` (record mode ``none``, the default) and a different token.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from ibmqjob.testing import find_leaks
from ibmqjob.testing.__main__ import main as check_main

SAMPLE = Path(__file__).resolve().parent / "sample_project"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def run_pytest(project: Path, env: dict[str, str], *options: str) -> tuple[int, str, float]:
    """Run the project's tests; return exit code, output and the test's duration (junit)."""
    report = project / "report.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "ibmqjob.testing.plugin",
        "-p",
        "no:cacheprovider",
        "-q",
        "-W",
        "ignore::DeprecationWarning",
        f"--rootdir={project}",
        f"--junitxml={report}",
        *options,
        str(project),
    ]
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    cases = ET.parse(report).getroot().iter("testcase") if report.exists() else []
    seconds = sum(float(case.get("time", "0")) for case in cases)
    return done.returncode, done.stdout + done.stderr, seconds


def environment(project: Path, url: str, token: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "generated")])
    env.update(SAMPLE_URL=url, SAMPLE_TOKEN=token, SAMPLE_ANSWERS=str(project / "answers.json"))
    env.update(extra)
    return env


def answers(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / "answers.json").read_text(encoding="utf-8"))
    return data


def test_record_then_replay_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from refserver.runner import ServerThread

    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("cassettes", "__pycache__"))
    cassette = project / "cassettes" / "test_bell_jobs.yaml"

    with ServerThread(step_delay=1.5, queue_update_interval=0.5, job_limit=-1) as server:
        assert server.demo_token is not None
        token, url = server.demo_token, server.auth_url
        code, output, recorded_seconds = run_pytest(
            project, environment(project, url, token), "--record-mode=once"
        )
    assert code == 0, output
    live = answers(project)
    assert cassette.exists()
    text = cassette.read_text(encoding="utf-8")
    assert find_leaks(text, [token]) == []
    stored = yaml.safe_load(text)
    frames = [e for s in stored["metadata"]["websockets"] for e in s["events"] if "recv" in e]
    assert any('"job-status"' in e["recv"] for e in frames), "no status frame was recorded"
    assert live["websocket_sessions"] >= 1

    # The server is gone and sockets are refused: the replay must come from the cassette.
    (project / "answers.json").unlink()
    code, output, replay_seconds = run_pytest(
        project, environment(project, url, "another-token-entirely"), "--block-network"
    )
    assert code == 0, output
    replayed = answers(project)
    assert replayed["websocket_all_replayed"] and replayed["http_all_replayed"]
    volatile = ("seconds", "websocket_all_replayed", "http_all_replayed")
    assert {k: v for k, v in replayed.items() if k not in volatile} == {
        k: v for k, v in live.items() if k not in volatile
    }
    assert live["seconds"] >= 10.0, "the recording should have waited for the jobs"
    assert replayed["seconds"] < 1.0
    assert replay_seconds < 5.0  # login and teardown included; generous for loaded machines

    # The leak check command agrees, and finds a token planted in a copy (the command runs
    # in-process here; test_scrub_and_leaks runs it as `python -m ibmqjob.testing`).
    assert check_main(["check", str(cassette.parent), "--secret", token]) == 0
    (cassette.parent / "copy.yaml").write_text(text.replace("API_TOKEN_1", token), "utf-8")
    assert check_main(["check", str(cassette.parent)]) == 1
    leaking = capsys.readouterr().out
    assert "copy.yaml" in leaking and token not in leaking
    (cassette.parent / "copy.yaml").unlink()

    # A changed request of the code under test: a clear error, not a network attempt.
    code, output, _ = run_pytest(
        project, environment(project, url, "x", SAMPLE_TAG="renamed"), "--block-network"
    )
    assert code == 1
    assert "NoRecordedAnswer: no recorded answer for GET" in output, output
    print(
        f"recorded: {recorded_seconds:.2f} s (test body {live['seconds']:.2f} s); "
        f"replayed: {replay_seconds:.2f} s (test body {replayed['seconds']:.2f} s)"
    )
