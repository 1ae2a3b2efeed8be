"""The layers stay clean: the wire layer at the bottom, one importer of the generated client."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ibmqjob"
GENERATED_PACKAGE = "ibmq_api_client"
ADAPTER = PACKAGE / "_api" / "operations.py"

# What the wire layer may import from ibmqjob: pure modules with no import from ibmqjob.
BELOW_THE_WIRE = {"ibmqjob.settings", "ibmqjob.exceptions", "ibmqjob._time"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
            else:
                module = node.module or ""
            modules.add(module)
            # ``from . import x`` and ``from pkg import module`` name modules too.
            modules.update(f"{module}.{alias.name}" for alias in node.names)
    return modules


def _importers(package: str) -> set[Path]:
    return {
        path
        for path in (ROOT / package).rglob("*.py")
        if any(m.split(".")[0] == GENERATED_PACKAGE for m in _imported_modules(path))
    }


def _ibmqjob_modules() -> set[str]:
    return {_module_name(path) for path in PACKAGE.rglob("*.py")}


def test_only_the_operations_module_imports_the_generated_client() -> None:
    assert _importers("ibmqjob") == {ADAPTER}


def test_the_wire_layer_imports_nothing_above_it() -> None:
    known = _ibmqjob_modules()
    for path in (PACKAGE / "_api").rglob("*.py"):
        above = {
            module
            for module in _imported_modules(path)
            if module in known
            and not module.startswith("ibmqjob._api")
            and module not in BELOW_THE_WIRE
        }
        assert above == set(), f"{path.relative_to(ROOT)} imports {sorted(above)}"


def test_what_the_wire_layer_stands_on_imports_nothing_of_ibmqjob() -> None:
    known = _ibmqjob_modules()
    for name in BELOW_THE_WIRE:
        path = ROOT / (name.replace(".", "/") + ".py")
        inner = {m for m in _imported_modules(path) if m in known and m != name}
        assert inner <= BELOW_THE_WIRE, f"{name} imports {sorted(inner)}"


def test_server_and_conformance_do_not_depend_on_the_generated_client() -> None:
    # The reference server and the validator must judge servers independently of the client
    # generated from the same spec.
    assert _importers("refserver") == set()
    assert _importers("conformance") == set()


def test_the_import_scan_sees_imports() -> None:
    imported = _imported_modules(ADAPTER)
    assert GENERATED_PACKAGE in {m.split(".")[0] for m in imported}
    # Relative imports are resolved: operations.py stands on records and settings.
    assert {"ibmqjob._api.records", "ibmqjob.settings"} <= imported
    # An upward import would be seen.
    assert "ibmqjob.queueinfo" in _imported_modules(PACKAGE / "status.py")


# The public surface: the package, its settings and the recorded-session plugin.
PUBLIC_MODULES = {"ibmqjob", "ibmqjob.settings", "ibmqjob.testing"}


def _ibmqjob_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every import of ibmqjob in a file."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.split(".")[0] == "ibmqjob"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "ibmqjob":
                found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_conformance_and_benchmarks_use_only_the_public_surface() -> None:
    import ibmqjob
    import ibmqjob.settings
    import ibmqjob.testing

    public = {
        "ibmqjob": set(ibmqjob.__all__),
        "ibmqjob.settings": set(ibmqjob.settings.__all__),
        "ibmqjob.testing": set(ibmqjob.testing.__all__),
    }
    seen = 0
    for folder in ("conformance", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for module, names in _ibmqjob_imports(path):
                seen += 1
                where = f"{path.relative_to(ROOT)}: {module}"
                assert module in PUBLIC_MODULES, where
                assert set(names) <= public[module] | {"settings"}, (where, names)
    assert seen > 5  # the scan sees the scenarios' imports
