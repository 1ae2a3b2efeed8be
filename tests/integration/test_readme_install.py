"""The README's install, serve and SDK steps, run as written in a fresh copy of the project.

The copy holds the files git tracks (what a clone has), the commands are the README's own
code blocks, and nothing of this environment leaks in (no ``PYTHONPATH``, no virtualenv):
a fresh ``.venv`` is made with ``pip install '.[server]'``, ``ibmqjob serve`` is started from
it and the README's SDK example runs in it against that server.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _block(section: str, language: str, index: int = 0) -> str:
    text = README.read_text()
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    blocks = re.findall(rf"```{language}\n(.*?)```", text[start:end], flags=re.DOTALL)
    return str(blocks[index])


@pytest.fixture
def fresh_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    copy = tmp_path_factory.mktemp("clone") / "ibmqjob"
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    try:
        yield copy
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)  # a virtualenv is hundreds of MB


def _environment() -> dict[str, str]:
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "IBMQJOB_", "QE_", "PYTHONHOME")
    return {key: value for key, value in os.environ.items() if not key.startswith(drop)}


def test_readme_install_then_serve_then_sdk_example(fresh_copy: Path) -> None:
    env = _environment()
    install = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _block("Install", "bash")],
        cwd=fresh_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=800,
    )
    assert install.returncode == 0, install.stderr[-4000:]
    assert re.search(r"^ibmqjob 0\.1\.0 \(qiskit ", install.stdout, flags=re.MULTILINE)
    bin_dir = fresh_copy / ".venv" / "bin"

    serve_line = _block("Start a server", "bash").splitlines()[0].split("#")[0].split()
    assert serve_line == ["ibmqjob", "serve"]
    # The README's server, on a free port here (8390 may be taken by another test run).
    server = subprocess.Popen(
        [str(bin_dir / serve_line[0]), *serve_line[1:], "--port", "0"],
        cwd=fresh_copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+/api)", first)
        assert match, first
        example = README.read_text().split("```python\n", 1)[1].split("```", 1)[0]
        example = example.replace("http://127.0.0.1:8390/api", match[1])
        example += "\nassert set(job.result().get_counts()) <= {'00', '11'}\nprint('example ok')\n"
        ran = subprocess.run(
            [str(bin_dir / "python"), "-c", example],
            cwd=fresh_copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr[-4000:]
        assert ran.stdout.endswith("example ok\n")
    finally:
        server.send_signal(signal.SIGINT)  # the README's Ctrl-C
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate(timeout=10)
    assert server.returncode == 0, output
    assert "Traceback" not in output
