"""Installing the project into an environment that already has qiskit, as the README says.

``test_qiskit_2_is_kept_and_the_readme_runs``: a fresh virtualenv gets the newest qiskit 2.x
first (a user's environment of today); the README's command for it installs a clean copy of
the project with the ``server`` extra; the qiskit is still the same, the Aer is of its line,
and the README's SDK example (against ``ibmqjob serve``) and ``ibmqjob run`` print real counts.

``test_qiskit_046_is_kept_by_the_readme_command``: in a fresh virtualenv with qiskit 0.46.3, pip's
plan for the README's command that names the installed qiskit (``--dry-run``) keeps qiskit and
takes qiskit-aer 0.14.2, where a bare ``'.[server]'`` would move to qiskit 2.x.

Both install from pip's cache where it has the packages; each step is bounded in time.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.install_support import (
    README_URL,
    clean_environment,
    readme_block,
    readme_sdk_example,
    serve,
    tracked_copy,
)

# Each test makes its own virtualenv: the same whichever qiskit runs pytest.
pytestmark = [pytest.mark.slow, pytest.mark.one_line, pytest.mark.timeout(900)]

SECTION = "Installing into an existing qiskit environment"


def _readme_commands() -> dict[str, str]:
    """The section's pip commands by the comment that ends each line (``# qiskit 2.x`` ...)."""
    commands = {}
    for line in readme_block(SECTION, "bash").splitlines():
        command, _, comment = line.partition("#")
        if command.strip().startswith("pip install"):
            commands[comment.strip()] = command.strip()
    return commands


def _command_for(keyword: str) -> str:
    found = [command for comment, command in _readme_commands().items() if keyword in comment]
    assert len(found) == 1, f"the README's {SECTION!r} has no single command for {keyword!r}"
    return found[0]


def _shell(venv: Path, command: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """``command`` in bash with ``venv`` activated (its ``bin`` first on ``PATH``)."""
    env = clean_environment()
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


def _versions(venv: Path) -> dict[str, str]:
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {package["name"].lower(): package["version"] for package in json.loads(listed.stdout)}


def _venv_with(folder: Path, qiskit: str) -> Path:
    """A fresh virtualenv in ``folder/venv`` with ``qiskit`` (a requirement) installed."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    _shell(venv, f"python -m pip install --quiet '{qiskit}'", folder, timeout=600)
    return venv


def test_qiskit_2_is_kept_and_the_readme_runs(tmp_path: Path) -> None:
    copy = tracked_copy(tmp_path)
    venv = _venv_with(tmp_path, "qiskit>=2,<3")
    before = _versions(venv)
    assert before["qiskit"].startswith("2.")

    _shell(venv, _command_for("qiskit 1.1"), copy, timeout=600)

    after = _versions(venv)
    assert after["qiskit"] == before["qiskit"], "installing ibmqjob changed the user's qiskit"
    assert after["numpy"] == before["numpy"]
    assert int(after["qiskit-aer"].split(".")[1]) >= 15, after["qiskit-aer"]  # a 1.1+ Aer
    assert "ibmqjob" in after

    env = clean_environment()
    bin_dir = venv / "bin"
    with serve(bin_dir, copy, env) as url:
        example = readme_sdk_example().replace(README_URL, url)
        ran = subprocess.run(
            [str(bin_dir / "python"), "-c", example],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert ran.returncode == 0, ran.stderr[-4000:]
    printed = [line for line in ran.stdout.splitlines() if line.startswith("{")]
    assert printed, ran.stdout
    counts = ast.literal_eval(printed[-1])
    assert set(counts) <= {"00", "11"} and sum(counts.values()) == 1024, counts

    run = subprocess.run(
        [str(bin_dir / "ibmqjob"), "run", "--seed", "7"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    shown = re.search(r"^Counts:\n((?:  [01]+: \d+\n)+)\Z", run.stdout, flags=re.MULTILINE)
    assert shown, run.stdout
    outcomes = dict(line.strip().split(": ") for line in shown[1].splitlines())
    assert set(outcomes) <= {"00", "11"} and sum(map(int, outcomes.values())) == 1024, outcomes


def test_qiskit_046_is_kept_by_the_readme_command(tmp_path: Path) -> None:
    copy = tracked_copy(tmp_path)
    venv = _venv_with(tmp_path, "qiskit==0.46.3")
    command = _command_for("qiskit 0.46")
    assert command.startswith("pip install ")
    report = tmp_path / "plan.json"
    planned = command.replace("pip install ", f"pip install --dry-run --report {report} ", 1)

    _shell(venv, planned, copy, timeout=600)

    plan = {
        item["metadata"]["name"].lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    assert "qiskit" not in plan and "qiskit-terra" not in plan, plan
    assert plan["qiskit-aer"] == "0.14.2", plan
    assert "ibmqjob" in plan
