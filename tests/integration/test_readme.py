"""The README's SDK example runs as written against the reference server."""

from __future__ import annotations

import re
from pathlib import Path

from ibmqjob import IBMQ
from refserver.runner import ServerThread

README = Path(__file__).resolve().parents[2] / "README.md"
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
