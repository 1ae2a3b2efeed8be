"""A test run keeps its temporary files in a private folder, removed at the end."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def test_the_run_has_a_private_temporary_folder() -> None:
    folder = Path(tempfile.gettempdir())
    assert folder.name.startswith("ibmqjob-tests-") and folder.is_dir()
    assert os.environ["TMPDIR"] == str(folder)
    # Processes the tests start use it too.
    child = subprocess.run(
        [sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert child.stdout.strip() == str(folder)


def test_tmp_path_stays_where_pytest_keeps_it(tmp_path: Path) -> None:
    assert not str(tmp_path).startswith(tempfile.gettempdir())
