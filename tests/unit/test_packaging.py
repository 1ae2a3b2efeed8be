"""The distribution carries the spec, so an installed validator finds it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conformance import specs

ROOT = Path(__file__).resolve().parents[2]


def _build_wheel(into: Path) -> None:
    """``pip wheel`` of a copy of this checkout into ``into``; its output shown if it fails.

    setuptools builds in the source tree (``build/``), where other builds of the checkout (the
    other qiskit line of the test command, an installation test) may be at work: the copy has
    a tree of its own.
    """
    source = into / "source"
    skipped = {".git", "build", "reports", "dist"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == ROOT
        return {
            name
            for name in names
            if name.startswith((".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache"))
            or name in {"__pycache__", ".hypothesis"}
            or name.endswith(".egg-info")
            or (top and name in skipped)
        }

    shutil.copytree(ROOT, source, ignore=ignore, symlinks=True)
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    built = subprocess.run(
        [*command, "-w", str(into), str(source)], capture_output=True, text=True, timeout=180
    )
    assert built.returncode == 0, built.stdout + built.stderr


def test_wheel_carries_the_packages_and_the_spec(tmp_path: Path) -> None:
    _build_wheel(tmp_path)
    (wheel,) = tmp_path.glob("ibmqjob-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "ibmqjob-0.1.0.data/data/share/ibmqjob/spec/"
    assert {data + "openapi.yaml", data + "asyncapi.yaml"} <= names
    for module in (
        "ibmqjob/job.py",
        "ibmq_api_client/client.py",
        "refserver/app.py",
        "conformance/validator.py",
        "ibmqjob/examples/bell.qasm",
        "refserver/users.yaml",
        "refserver/data/ibmq_manila.properties.json",
        "refserver/data/ibmq_lima.defaults.json",
    ):
        assert module in names, module


def test_installed_copy_looks_for_the_spec_under_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert specs.default_spec_dir() == ROOT / "spec"
    monkeypatch.setattr(specs, "__file__", str(tmp_path / "site" / "conformance" / "specs.py"))
    assert specs.default_spec_dir() == Path(sys.prefix) / "share" / "ibmqjob" / "spec"
