"""The distribution carries the spec, so an installed validator finds it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conformance import specs

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_carries_the_packages_and_the_spec(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
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
