"""The README's SDK example runs as written against the reference server."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ibmqjob import IBMQ
from ibmqjob.account import QX_AUTH_URL, credentials_from_env
from refserver.config import DEFAULT_PORT
from refserver.runner import ServerThread

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
README_URL = "http://127.0.0.1:8390/api"


def test_readme_sdk_example_runs(reference_server: ServerThread) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert blocks, "the README has no Python example"
    source = blocks[0]
    assert README_URL in source
    namespace: dict[str, object] = {}
    try:
        exec(
            compile(source.replace(README_URL, reference_server.auth_url), "README", "exec"),
            namespace,
        )
    finally:
        IBMQ.disable_account()
    counts = namespace["job"].result().get_counts()  # type: ignore[attr-defined]
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 1024
    assert any(j.job_id() == namespace["job"].job_id() for j in namespace["old"])  # type: ignore[attr-defined]


def test_readme_settings_example_runs(reference_server: ServerThread) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    source = next(block for block in blocks if "ibmqjob.settings" in block)
    namespace: dict[str, object] = {
        "IBMQ": IBMQ,
        "token": reference_server.demo_token,
        "url": reference_server.auth_url,
    }
    try:
        exec(compile(source, "README settings", "exec"), namespace)
        settings = namespace["settings"]
        assert settings.policy.total == 3 and settings.read_timeout == 60.0  # type: ignore[attr-defined]
        assert namespace["provider"].get_backend("ibmq_qasm_simulator")  # type: ignore[attr-defined]
    finally:
        IBMQ.disable_account()


def _section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_readme_install_lists_every_extra_of_the_project() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = re.findall(r"^\| `(\w+)` \|", _section("Install"), flags=re.MULTILINE)
    assert sorted(listed) == sorted(project["optional-dependencies"])
    assert project["scripts"]["ibmqjob"] == "ibmqjob.cli:main"  # the command it promises


def test_readme_starts_the_server_before_the_sdk_example_needs_it() -> None:
    text = README.read_text()
    assert text.index("ibmqjob serve") < text.index("```python")
    assert README_URL == f"http://127.0.0.1:{DEFAULT_PORT}/api"
    assert f"port {DEFAULT_PORT}" in _section("Start a server")


def test_readme_configuration_names_the_variables_the_sdk_reads() -> None:
    class Recording(dict[str, str]):
        def __init__(self) -> None:
            super().__init__()
            self.read: set[str] = set()

        def get(self, key: str, default: Any = None) -> Any:
            self.read.add(key)
            return super().get(key, default)

    environ = Recording()
    credentials_from_env(environ)
    environ.update(QE_TOKEN="t", QE_URL="u")
    credentials_from_env(environ)
    environ.update(IBMQJOB_TOKEN="t")
    credentials_from_env(environ)
    documented = set(re.findall(r"`((?:IBMQJOB|QE)_[A-Z]+)`", _section("Configuration")))
    assert documented == environ.read
    section = _section("Configuration")
    assert QX_AUTH_URL in section


def test_readme_fast_test_subset_names_real_tiers() -> None:
    (command,) = re.findall(r"^bash scripts/test (tests/.+)$", README.read_text(), re.MULTILINE)
    for folder in command.split():
        assert (ROOT / folder).is_dir() and list((ROOT / folder).glob("test_*.py")), folder
        assert not list((ROOT / folder).rglob("*integration*"))
