"""The layers stay clean: one module of ibmqjob imports the generated client."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED_PACKAGE = "ibmq_api_client"
ADAPTER = ROOT / "ibmqjob" / "_api.py"
# The account-wide reservation operations, beside the adapter they build on.
RESERVATIONS_ADAPTER = ROOT / "ibmqjob" / "_reservations_api.py"


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def _importers(package: str) -> set[Path]:
    return {
        path
        for path in (ROOT / package).rglob("*.py")
        if any(m.split(".")[0] == GENERATED_PACKAGE for m in _imported_modules(path))
    }


def test_only_the_adapter_imports_the_generated_client() -> None:
    assert _importers("ibmqjob") == {ADAPTER, RESERVATIONS_ADAPTER}


def test_server_and_conformance_do_not_depend_on_the_generated_client() -> None:
    # The reference server and the validator must judge servers independently of the client
    # generated from the same spec.
    assert _importers("refserver") == set()
    assert _importers("conformance") == set()


def test_the_import_scan_sees_imports() -> None:
    assert GENERATED_PACKAGE in {m.split(".")[0] for m in _imported_modules(ADAPTER)}
