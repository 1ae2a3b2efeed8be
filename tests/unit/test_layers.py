"""The layers stay clean: one module of ibmqjob imports the generated client, the wire layer
imports nothing above it, ibmqjob has no import cycle, and the other packages use its public
surface only."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED_PACKAGE = "ibmq_api_client"
ADAPTER = ROOT / "ibmqjob" / "_api" / "operations.py"


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


def test_only_the_operations_module_imports_the_generated_client() -> None:
    assert _importers("ibmqjob") == {ADAPTER}


def test_server_and_conformance_do_not_depend_on_the_generated_client() -> None:
    # The reference server and the validator must judge servers independently of the client
    # generated from the same spec.
    assert _importers("refserver") == set()
    assert _importers("conformance") == set()


def test_the_import_scan_sees_imports() -> None:
    assert GENERATED_PACKAGE in {m.split(".")[0] for m in _imported_modules(ADAPTER)}


# ------------------------------------------------------------------ the import graph of ibmqjob

PACKAGE = ROOT / "ibmqjob"

# What the wire layer (``ibmqjob/_api/``) may import besides itself: pure modules that import
# nothing else of ibmqjob.
FOUNDATION = {
    "ibmqjob.exceptions",
    "ibmqjob.settings",
    "ibmqjob._time",
    "ibmqjob._sockettimeout",
    "ibmqjob._wsconnection",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _ibmqjob_modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[list[str]]:
    """The candidate module names of one import statement, one list per imported name."""
    if isinstance(node, ast.Import):
        return [[alias.name] for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    # ``from a import b`` imports the module ``a.b`` if there is one, else a name of ``a``.
    return [[f"{source}.{alias.name}", source] for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    """Every import between modules of ``ibmqjob``, wherever it is written.

    Imports under ``if TYPE_CHECKING:`` and inside functions count: both still tie the
    modules together for a reader and for the type checker.
    """
    modules = _ibmqjob_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for candidates in _targets(node, name, path.name == "__init__.py"):
                target = next((c for c in candidates if c in modules), None)
                if target is not None and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle (first module repeated at the end), or ``None``."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for target in sorted(graph[module]):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done:
                cycle = visit(target)
                if cycle:
                    return cycle
        on_path.discard(path.pop())
        done.add(module)
        return None

    for module in sorted(graph):
        if module not in done:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def _wire_layer(graph: dict[str, set[str]]) -> set[str]:
    package = {m for m in graph if m == "ibmqjob._api" or m.startswith("ibmqjob._api.")}
    return package


def test_the_import_graph_of_ibmqjob_has_no_cycle() -> None:
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_finds_cycles_the_scan_sees() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    # The scan reads relative, absolute, TYPE_CHECKING and function-local imports.
    real = import_graph()
    assert "ibmqjob.status" in real["ibmqjob.queueinfo"]
    assert "ibmqjob.cli.jobs" in real["ibmqjob.cli"]
    assert "ibmqjob.job" in real["ibmqjob.backend"]


def test_status_imports_nothing_from_ibmqjob() -> None:
    assert import_graph()["ibmqjob.status"] == set()


def test_the_wire_layer_imports_nothing_above_it() -> None:
    graph = import_graph()
    wire = _wire_layer(graph)
    assert wire, "the wire layer was not found"
    upward = {
        (module, target)
        for module in wire
        for target in graph[module]
        if target not in wire | FOUNDATION
    }
    assert upward == set(), f"wire modules import upwards: {sorted(upward)}"


def test_what_the_wire_layer_stands_on_imports_nothing_of_ibmqjob() -> None:
    graph = import_graph()
    for module in FOUNDATION:
        assert graph[module] <= FOUNDATION, f"{module} imports {sorted(graph[module])}"


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_backend_and_provider_do_not_import_the_adapter() -> None:
    # They are typed against a protocol, so that fakes type-check and the adapter over the
    # generated client (``_api/operations.py``, before it the flat ``_api.py``) stays below;
    # not even through the wire layer's package, which holds only the protocols.
    graph = import_graph()
    adapter = "ibmqjob._api.operations"
    assert adapter in _reachable(graph, "ibmqjob.account")
    for module in ("ibmqjob.backend", "ibmqjob.provider", "ibmqjob.job", "ibmqjob._api"):
        assert adapter not in _reachable(graph, module), module


# ------------------------------------------------------------------ who uses which surface


def _ibmqjob_imports(folder: str) -> list[tuple[str, str, list[str]]]:
    """``(file, module, names)`` of every ``ibmqjob`` import in a folder."""
    found: list[tuple[str, str, list[str]]] = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = str(path.relative_to(ROOT))
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "ibmqjob":
                        found.append((where, alias.name, []))
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] == "ibmqjob":
                    found.append((where, node.module, [a.name for a in node.names]))
    return found


def test_conformance_and_benchmarks_use_only_the_public_surface() -> None:
    import ibmqjob
    from ibmqjob import managed, settings, testing

    public = set(ibmqjob.__all__)
    allowed_settings = set(settings.__all__)
    allowed_testing = set(testing.__all__)
    allowed_managed = set(managed.__all__)
    wrong = []
    imports = _ibmqjob_imports("conformance") + _ibmqjob_imports("benchmarks")
    for where, module, names in imports:
        if module == "ibmqjob":
            bad = [n for n in names if n not in public and n != "settings"]
        elif module == "ibmqjob.settings":
            bad = [n for n in names if n not in allowed_settings]
        elif module == "ibmqjob.testing":  # the recorded-session plugin is public too
            bad = [n for n in names if n not in allowed_testing]
        elif module == "ibmqjob.managed":  # the job manager, a public module of its own
            bad = [n for n in names if n not in allowed_managed]
        else:
            bad = [module]
        if bad:
            wrong.append((where, module, bad))
    assert imports, "the scan found no import of ibmqjob"
    assert wrong == []


def test_every_ibmqjob_module_the_tests_import_is_in_this_tree() -> None:
    # An editable install may resolve a module deleted here to another checkout's copy;
    # this catches tests (and the other packages) still importing a removed module.
    modules = set(_ibmqjob_modules())
    missing = []
    for folder in ("tests", "conformance", "benchmarks", "refserver", "scripts"):
        for where, module, names in _ibmqjob_imports(folder):
            submodules = {f"{module}.{name}" for name in names} & modules
            if module not in modules and not submodules:
                missing.append((where, module))
    assert missing == []


# ------------------------------------------------------------------ the tests mirror the modules

# Tests of the project as a whole rather than of one module.
PROJECT_TESTS = {
    "exports",
    "generated_client",
    "layers",
    "packaging",
    "spec",
    "spec_changes",
    "spec_ties",
    "temp_hygiene",
}


def _module_keys() -> set[str]:
    """The names a test file may take after ``test_``: one per module or package.

    ``ibmqjob/_api/codec.py`` is ``api_codec``, ``ibmqjob/cli/`` is ``cli``,
    ``refserver/store.py`` is ``refserver_store``, ``conformance/`` is ``conformance``.
    """
    keys: set[str] = set()
    for package in ("ibmqjob", "refserver", "conformance"):
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] in ("__init__", "__main__"):
                parts.pop()
            if package == "ibmqjob":
                parts.pop(0)
            if parts:
                keys.add("_".join(part.lstrip("_") for part in parts))
    return keys


def test_unit_and_http_tests_are_named_after_what_they_test() -> None:
    # ``test_<module>.py`` or ``test_<module>_<topic>.py``, so that the tests of a module are
    # found by its name.
    keys = _module_keys()
    assert {"job", "api_codec", "cli_jobs", "refserver_store", "conformance"} <= keys
    checked, stray = 0, []
    for tier in ("unit", "http"):
        for path in sorted((ROOT / "tests" / tier).glob("test_*.py")):
            checked += 1
            name = path.stem.removeprefix("test_")
            if name in PROJECT_TESTS:
                continue
            if not any(name == key or name.startswith(key + "_") for key in keys):
                stray.append(f"tests/{tier}/{path.name}")
    assert checked > len(PROJECT_TESTS)
    assert stray == []


# ------------------------------------------------------------------ the qiskit lines

# What qiskit 2 removed: only the compatibility module may use it, on the 0.46 line.
REMOVED_IN_QISKIT_2 = (
    "qiskit.qobj",
    "qiskit.providers.models",
    "qiskit.pulse",
    "qiskit.assembler",
    "qiskit.compiler.assembler",
)
REMOVED_NAMES = {"BackendV1", "ProviderV1", "assemble", "disassemble"}
COMPAT = PACKAGE / "_qiskit.py"


def _uses_of_removed_qiskit(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = {alias.name for alias in node.names}
            if node.module.startswith(REMOVED_IN_QISKIT_2) or (
                node.module.startswith("qiskit") and names & REMOVED_NAMES
            ):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith(REMOVED_IN_QISKIT_2)]
    return found


def test_only_the_compatibility_module_uses_what_qiskit_2_removed() -> None:
    users = {
        str(path.relative_to(ROOT)): used
        for path in sorted(PACKAGE.rglob("*.py"))
        if (used := _uses_of_removed_qiskit(path))
    }
    assert set(users) == {str(COMPAT.relative_to(ROOT))}


def test_only_the_compatibility_module_asks_for_the_qiskit_version() -> None:
    askers = {
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if path not in (COMPAT, PACKAGE / "exceptions.py")
        and "qiskit.__version__" in path.read_text()
    }
    assert askers == set()
