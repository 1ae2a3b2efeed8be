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
