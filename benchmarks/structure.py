"""Structure figures of the SDK: size, import depth, and the way from a job document to IBMQJob.

Usage::

    .venv/bin/python benchmarks/structure.py [--root DIR] [--cassette FILE] [--json]
                                             [--static-only] [--runs N] [--number N]

Figures of the source tree ``DIR/ibmqjob`` (default: this checkout), read with ``ast``:

* modules and lines of ``ibmqjob`` (physical lines, and code lines: no blank, comment or
  docstring lines), per subpackage;
* the import graph between its modules (every import written, including those under
  ``if TYPE_CHECKING:`` and inside functions, as ``tests/unit/test_layers.py`` reads it): its
  import cycles and its longest import chain in which no module comes twice, from any module
  and from ``ibmqjob`` itself.

Figures of the ``ibmqjob`` that Python imports (set ``PYTHONPATH`` to measure another tree;
the script says which one it measured), through the public surface only: an account is
enabled against a loopback server that answers with the responses recorded in a cassette
(default: ``conformance/cassettes/retrieval.yaml``, a completed Bell job), then

* the forms the job document takes on its way from the response body to the ``IBMQJob`` that
  ``provider.backend.retrieve_job()`` returns: every object returned by a function of
  ``ibmqjob``, its generated client, ``httpx`` or ``json`` that holds the job (JSON text, a
  dict keyed ``id`` or ``job_id``, an object with an ``id``/``job_id`` attribute), in order,
  with consecutive objects of one form counted once; and how many attributes the
  ``IBMQJob`` instance holds;
* microseconds per job document: ``retrieve_job()`` (one request per document), next to the
  bare loopback floor of the same request (``http.client`` + ``json.loads``), and
  ``backend.jobs()`` over one page of the same document repeated (the request amortised);
  each the median of ``--runs`` runs of ``--number`` calls, in wall time and in CPU time of
  the measuring process (the steadier figure when other work loads the machine).

To measure an older commit::

    git worktree add /tmp/before <sha>
    PYTHONPATH=/tmp/before:/tmp/before/generated .venv/bin/python benchmarks/structure.py \\
        --root /tmp/before
    git worktree remove /tmp/before
"""

from __future__ import annotations

import argparse
import ast
import copy
import datetime as dt
import http.client
import http.server
import io
import json
import statistics
import subprocess
import sys
import threading
import time
import timeit
import tokenize
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DESCRIPTION = "Structure figures of the SDK: size, import depth, and a job document's way."
ROOT = Path(__file__).resolve().parents[1]
CASSETTE = ROOT / "conformance" / "cassettes" / "retrieval.yaml"
PACKAGE = "ibmqjob"
# Where the cassette was recorded; its bodies name it and are rewritten to the loopback server.
RECORDED_ORIGIN = "127.0.0.1:8390"
TOKEN = "structure-benchmark-token"
LISTING_PAGE = 100


# ----------------------------------------------------------------------------- the source tree


def code_lines(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    skipped = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENCODING,
        tokenize.ENDMARKER,
    }
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skipped:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def module_name(root: Path, path: Path) -> str:
    """``ibmqjob/_api/codec.py`` -> ``ibmqjob._api.codec``; a package's ``__init__`` is the
    package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_of(root: Path) -> dict[str, Path]:
    """Every module of the package under ``root``, by name."""
    return {module_name(root, path): path for path in sorted((root / PACKAGE).rglob("*.py"))}


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


def import_graph(root: Path) -> dict[str, set[str]]:
    """Every import between modules of the package, wherever it is written."""
    modules = modules_of(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for candidates in _targets(node, name, path.name == "__init__.py"):
                target = next((c for c in candidates if c in modules), None)
                if target is not None and target != name:
                    graph[name].add(target)
    return graph


def strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of ``graph`` (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return components


def longest_chain(graph: Mapping[str, set[str]], start: str | None = None) -> list[str]:
    """The longest import chain in which no module comes twice (from ``start`` if given).

    An acyclic graph is walked once (each module's longest chain is kept); a graph with cycles
    is searched path by path, which the few dozen modules of a package allow.
    """
    starts = [start] if start is not None else sorted(graph)
    if all(len(component) == 1 for component in strongly_connected(graph)):
        best: dict[str, list[str]] = {}

        def chain_from(module: str) -> list[str]:
            if module not in best:
                tails = [chain_from(target) for target in sorted(graph[module])]
                best[module] = [module, *max(tails, key=len, default=[])]
            return best[module]

        return max((chain_from(module) for module in starts), key=len, default=[])

    longest: list[str] = []
    path: list[str] = []
    on_path: set[str] = set()

    def walk(module: str) -> None:
        nonlocal longest
        path.append(module)
        on_path.add(module)
        if len(path) > len(longest):
            longest = list(path)
        for target in sorted(graph[module]):
            if target not in on_path:
                walk(target)
        on_path.discard(path.pop())

    for module in starts:
        walk(module)
    return longest


def source_figures(root: Path) -> dict[str, Any]:
    """Modules, lines, import cycles and the longest import chain of ``root/ibmqjob``."""
    modules = modules_of(root)
    if not modules:
        raise SystemExit(f"structure: no {PACKAGE}/ package under {root}")
    per_part: dict[str, dict[str, int]] = {}
    total_lines = total_code = 0
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        code = code_lines(source)
        total_lines += lines
        total_code += code
        parts = name.split(".")
        nested = len(parts) > 1 and (root / PACKAGE / parts[1]).is_dir()
        entry = per_part.setdefault(
            f"{PACKAGE}.{parts[1]}" if nested else f"{PACKAGE} (top level)",
            {"modules": 0, "lines": 0},
        )
        entry["modules"] += 1
        entry["lines"] += lines
    graph = import_graph(root)
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    chain = longest_chain(graph)
    from_package = longest_chain(graph, PACKAGE)
    return {
        "root": str(root),
        "modules": len(modules),
        "lines": total_lines,
        "code_lines": total_code,
        "per_part": per_part,
        "imports": sum(len(targets) for targets in graph.values()),
        "cycles": cycles,
        "import_depth": len(chain) - 1,
        "longest_chain": chain,
        "import_depth_from_package": len(from_package) - 1,
        "longest_chain_from_package": from_package,
    }


# --------------------------------------------------------------------------- the recorded answers


def _single_quoted(lines: list[str], start: int, opening: str) -> tuple[str, int]:
    """Read a YAML single-quoted scalar that starts with ``opening`` (after its quote).

    Folded lines join with a space, an empty line is a line break, ``''`` is a quote.
    Returns the text and the index of the line after it.
    """
    pieces: list[str] = []
    text = opening
    index = start
    while True:
        stripped = text.replace("''", "\0")
        if "'" in stripped:
            end = stripped.index("'")
            pieces.append(stripped[:end].replace("\0", "'"))
            return _fold(pieces), index + 1
        pieces.append(stripped.replace("\0", "'"))
        index += 1
        if index >= len(lines):
            raise ValueError("unterminated quoted scalar in the cassette")
        text = lines[index].strip()


def _fold(pieces: list[str]) -> str:
    folded = pieces[0].rstrip(" ") if len(pieces) > 1 else pieces[0]
    breaks = 0
    for piece in pieces[1:]:
        if piece == "":
            breaks += 1
            continue
        folded += ("\n" * breaks if breaks else " ") + piece
        breaks = 0
    return folded


def read_cassette(path: Path) -> list[dict[str, Any]]:
    """The interactions of a vcrpy cassette: method, URI, status code and body text.

    A small reader of the layout vcrpy writes (stdlib only); every body must be JSON.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    interactions: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if line.startswith("- request:"):
            current = {}
            interactions.append(current)
        elif stripped.startswith("method:"):
            current["method"] = stripped.split(":", 1)[1].strip()
        elif stripped.startswith("uri:"):
            current["uri"] = stripped.split(":", 1)[1].strip()
        elif stripped.startswith("code:"):
            current["status"] = int(stripped.split(":", 1)[1])
        elif stripped.startswith("string:") and "status" not in current:
            value = stripped.split(":", 1)[1].strip()
            if value.startswith("'"):
                current["body"], index = _single_quoted(lines, index, value[1:])
                continue
            current["body"] = "" if value in ("''", "") else value
        index += 1
    for interaction in interactions:
        try:
            json.loads(interaction.get("body") or "null")
        except ValueError as error:
            where = f"{interaction.get('method')} {interaction.get('uri')}"
            raise ValueError(f"{path}: the body answering {where} is not JSON: {error}") from None
    return [i for i in interactions if {"method", "uri", "status"} <= set(i)]


class Answers:
    """The recorded answer of each (method, path), the job document, and a listing page."""

    def __init__(self, interactions: list[dict[str, Any]]) -> None:
        self.routes: dict[tuple[str, str], tuple[int, str]] = {}
        job: dict[str, Any] | None = None
        for interaction in interactions:
            path = urlsplit(interaction["uri"]).path
            key = (interaction["method"], path)
            answer = (interaction["status"], interaction.get("body") or "")
            # The first answer of a route, unless an error comes before a success.
            if key not in self.routes or (self.routes[key][0] >= 400 > answer[0]):
                self.routes[key] = answer
            if interaction["method"] == "GET" and path.endswith("/v/1") and answer[0] == 200:
                document = json.loads(answer[1]) if answer[1] else None
                if (
                    isinstance(document, dict)
                    and "creationDate" in document
                    and document.get("status") == "COMPLETED"
                ):
                    job = document
        if job is None:
            raise SystemExit("structure: the cassette holds no completed job document")
        self.job: dict[str, Any] = job
        self.jobs_prefix = next(
            path.rsplit("/Jobs/", 1)[0] + "/Jobs"
            for (method, path) in self.routes
            if "/Jobs/" + job["id"] + "/v/1" in path
        )
        self.routes[("GET", self.jobs_prefix + "/status/v/1")] = (200, self.listing())

    def listing(self, count: int = LISTING_PAGE) -> str:
        """A page of ``count`` jobs: the job document with new ids, newest first."""
        created = dt.datetime.fromisoformat(self.job["creationDate"].replace("Z", "+00:00"))
        page = []
        for number in range(count):
            document = copy.deepcopy(self.job)
            document["id"] = f"{number:024x}"
            when = created - dt.timedelta(milliseconds=number)
            document["creationDate"] = when.isoformat(timespec="milliseconds")[:-6] + "Z"
            page.append(document)
        return json.dumps(page, separators=(",", ":"))


def serve(answers: Answers) -> None:
    """Serve the recorded answers on 127.0.0.1 until stdin closes; print the port first."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One write per answer, sent at once: no delayed-ACK stall between headers and body.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            path = urlsplit(self.path).path
            status, body = answers.routes.get(
                (self.command, path),
                (404, json.dumps({"error": {"status": 404, "message": "not recorded"}})),
            )
            data = body.replace(RECORDED_ORIGIN, self.headers.get("Host", "")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


@contextmanager
def loopback_server(cassette: Path) -> Iterator[str]:
    """Serve a cassette's answers from a child process (so that the server does not share
    the measured process's interpreter); yields the base URL ``http://127.0.0.1:PORT``."""
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", str(cassette)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = child.stdout.readline().strip()
        if not port.isdigit():
            raise SystemExit("structure: the loopback server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


# ------------------------------------------------------------------------- the way of a document


def _form(value: object, job_id: str, job_class: type) -> str | None:
    """What form of the job document ``value`` is, or None if it does not hold the job."""
    if isinstance(value, job_class):
        return f"{job_class.__name__} ({len(vars(value))} attributes)"
    if isinstance(value, bytes | bytearray | str):
        text = value.decode(errors="replace") if isinstance(value, bytes | bytearray) else value
        if text.lstrip().startswith("{") and job_id in text:
            return "JSON text"
        return None
    if isinstance(value, Mapping):
        if value.get("id") == job_id:
            return "dict, wire keys"
        if value.get("job_id") == job_id:
            return "dict, Python keys"
        return None
    module = type(value).__module__
    if not module.startswith((PACKAGE, "ibmq_api_client")):
        return None
    for name in ("id", "job_id", "_job_id"):
        try:
            held = getattr(value, name, None)
        except Exception:
            continue
        if held == job_id:
            return f"{module}.{type(value).__qualname__}"
    return None


def trace_forms(call: Callable[[], Any], job_id: str, job_class: type) -> list[str]:
    """The forms the job takes while ``call()`` runs, in order, consecutive repeats once."""
    watched = (PACKAGE, "ibmq_api_client", "httpx", "json")
    seen: set[int] = set()
    kept: list[object] = []  # holds every object seen, so that no id is reused meanwhile
    forms: list[str] = []

    def profile(frame: types.FrameType, event: str, arg: object) -> None:
        if event != "return":
            return
        if not str(frame.f_globals.get("__name__", "")).startswith(watched):
            return
        candidates = [arg]
        if frame.f_code.co_name == "__init__":
            candidates.append(frame.f_locals.get("self"))
        for value in candidates:
            if value is None or id(value) in seen:
                continue
            form = _form(value, job_id, job_class)
            if form is None:
                continue
            seen.add(id(value))
            kept.append(value)
            if not forms or forms[-1] != form:
                forms.append(form)

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return forms


def measure(
    call: Callable[[], object], runs: int, number: int, per_call: int = 1
) -> dict[str, float]:
    """Median time of ``call`` in microseconds: wall time, and CPU time of this process.

    The CPU time leaves out the loopback server (another process) and the time other work on
    the machine takes the processor away, so it is the steadier figure on a loaded machine.
    """
    figures = {}
    for key, timer in (("wall_us", time.perf_counter), ("cpu_us", time.process_time)):
        samples = timeit.repeat(call, repeat=runs, number=number, timer=timer)
        figures[key] = statistics.median(samples) / number / per_call * 1e6
    return figures


def floor(base_url: str, path: str, runs: int, number: int) -> dict[str, float]:
    """A bare GET of ``path`` on a kept-alive connection and ``json.loads`` of its body."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)

    def fetch() -> object:
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())

    try:
        fetch()
        return measure(fetch, runs, number)
    finally:
        connection.close()


def runtime_figures(cassette: Path, runs: int, number: int) -> dict[str, Any]:
    """Forms of the job document and µs per document, with the ``ibmqjob`` Python imports."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # qiskit 0.46 warns about its own modules on import
        import ibmqjob
        from ibmqjob import IBMQ, IBMQJob

    answers = Answers(read_cassette(cassette))
    job_id = answers.job["id"]
    with loopback_server(cassette) as base, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        provider = IBMQ.enable_account(TOKEN, url=base + "/api")
        try:
            retrieve = provider.backend.retrieve_job
            backend = provider.get_backend(answers.job["backend"]["name"])
            job = retrieve(job_id)
            if not isinstance(job, IBMQJob) or job.job_id() != job_id:
                raise SystemExit(f"structure: retrieve_job returned {job!r}")
            forms = trace_forms(lambda: retrieve(job_id), job_id, IBMQJob)
            listed = backend.jobs(limit=LISTING_PAGE)
            if len(listed) != LISTING_PAGE:
                raise SystemExit(f"structure: jobs() listed {len(listed)} jobs")
            job_path = f"{answers.jobs_prefix}/{job_id}/v/1"
            figures = {
                "ibmqjob": str(Path(ibmqjob.__file__).parent),
                "cassette": str(cassette),
                "job_document_bytes": len(json.dumps(answers.job, separators=(",", ":"))),
                "forms": forms,
                "job_attributes": len(vars(job)),
                "retrieve_job": measure(lambda: retrieve(job_id), runs, number),
                "loopback_floor": floor(base, job_path, runs, number),
                "listing_per_job": measure(
                    lambda: backend.jobs(limit=LISTING_PAGE),
                    runs,
                    max(1, number // LISTING_PAGE),
                    LISTING_PAGE,
                ),
                "runs": runs,
                "number": number,
            }
        finally:
            IBMQ.disable_account()
    return figures


# ----------------------------------------------------------------------------------- the report


def report(static: dict[str, Any], runtime: dict[str, Any] | None) -> str:
    """The figures as text."""
    lines = [
        f"source tree: {static['root']}",
        f"modules of {PACKAGE}: {static['modules']}, lines: {static['lines']} "
        f"(code lines: {static['code_lines']})",
    ]
    for part, entry in sorted(static["per_part"].items()):
        lines.append(f"  {part}: {entry['modules']} modules, {entry['lines']} lines")
    lines.append(f"imports between its modules: {static['imports']}")
    lines.append(f"import cycles: {len(static['cycles'])}")
    for cycle in static["cycles"]:
        lines.append("  " + " <-> ".join(cycle))
    for key, label in (("", ""), ("_from_package", f" from {PACKAGE} (import {PACKAGE})")):
        chain = " -> ".join(static["longest_chain" + key])
        lines.append(f"longest import chain{label}: {static['import_depth' + key]} imports deep")
        lines.append(f"  {chain}")
    if runtime is not None:
        lines += [
            f"ibmqjob measured: {runtime['ibmqjob']}",
            f"job document: {runtime['job_document_bytes']} bytes of JSON "
            f"from {runtime['cassette']}",
            f"forms on the way to IBMQJob ({len(runtime['forms'])}):",
            "  " + " -> ".join(runtime["forms"]),
            f"attributes of the IBMQJob instance: {runtime['job_attributes']}",
            "microseconds per job document (wall time / CPU time of the client process):",
            "  retrieve_job(): {wall_us:.0f} / {cpu_us:.0f}".format(**runtime["retrieve_job"]),
            "  the bare GET + json.loads of it: {wall_us:.0f} / {cpu_us:.0f}".format(
                **runtime["loopback_floor"]
            ),
            f"  jobs(limit={LISTING_PAGE}), per job: "
            + "{wall_us:.1f} / {cpu_us:.1f}".format(**runtime["listing_per_job"]),
            f"(medians of {runtime['runs']} runs)",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the structure figures; ``--json`` prints them as one JSON document."""
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--root", type=Path, default=ROOT, help="tree holding ibmqjob/")
    parser.add_argument("--cassette", type=Path, default=CASSETTE, help="recorded answers")
    parser.add_argument("--runs", type=int, default=7, help="timed runs (median)")
    parser.add_argument("--number", type=int, default=200, help="calls per timed run")
    parser.add_argument("--static-only", action="store_true", help="read the source only")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the loopback server
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(Answers(read_cassette(args.serve)))
        return 0
    if args.runs < 1 or args.number < 1:
        parser.error("--runs and --number must be at least 1")
    static = source_figures(args.root.resolve())
    runtime = None if args.static_only else runtime_figures(args.cassette, args.runs, args.number)
    if args.json:
        print(json.dumps({"source": static, "runtime": runtime}, indent=1))
    else:
        print(report(static, runtime))
    return 0


if __name__ == "__main__":
    sys.exit(main())
