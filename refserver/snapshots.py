"""Extracting the device snapshots shipped in ``refserver/data/`` (run once, by hand).

The fake devices ``ibmq_manila`` and ``ibmq_lima`` serve the configuration, calibration
(properties) and pulse defaults of the real 5-qubit devices as qiskit 0.46 bundled them
with its fake backends. qiskit 1.0 removed those snapshots, so the server ships its own
copy as package data and never imports qiskit's fake providers at run time.

Run in an environment with qiskit 0.46::

    python -m refserver.snapshots            # rewrites refserver/data/*.json
    python -m refserver.snapshots --check    # exit 1 if the shipped data differ

Each backend gets three files, ``<backend>.configuration.json``, ``.properties.json`` and
``.defaults.json``: the JSON documents of qiskit's ``conf_``, ``props_`` and ``defs_`` files,
re-encoded with sorted keys (the values are untouched).
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

# Directory names of qiskit 0.46's fake backends, and the backend name each one serves.
FAKE_BACKENDS = {"manila": "ibmq_manila", "lima": "ibmq_lima"}
# Document kinds: qiskit's file prefix -> the suffix of the shipped file.
DOCUMENTS = {"conf": "configuration", "props": "properties", "defs": "defaults"}
DATA_DIR = Path(__file__).with_name("data")


def snapshot_files() -> dict[str, bytes]:
    """The shipped files (name -> content) as extracted from the installed qiskit.

    Raises:
        ModuleNotFoundError: qiskit's fake backends are not installed (qiskit 1.0 or later).
    """
    package = resources.files("qiskit.providers.fake_provider.backends")
    files = {}
    for short, backend in FAKE_BACKENDS.items():
        for prefix, kind in DOCUMENTS.items():
            document: Any = json.loads(
                package.joinpath(short, f"{prefix}_{short}.json").read_text(encoding="utf-8")
            )
            if kind == "configuration" and document.get("backend_name") != backend:
                raise ValueError(f"{short}: configuration names {document.get('backend_name')}")
            text = json.dumps(document, indent=1, sort_keys=True) + "\n"
            files[f"{backend}.{kind}.json"] = text.encode()
    return files


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the shipped snapshots; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m refserver.snapshots")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    files = snapshot_files()
    if args.check:
        stale = [name for name, data in files.items() if _read(DATA_DIR / name) != data]
        for name in stale:
            print(f"differs from qiskit's snapshot: refserver/data/{name}", file=sys.stderr)
        return 1 if stale else 0
    DATA_DIR.mkdir(exist_ok=True)
    for name, data in files.items():
        (DATA_DIR / name).write_bytes(data)
        print(f"wrote refserver/data/{name}")
    return 0


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())
