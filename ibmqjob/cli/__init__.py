"""The ``ibmqjob`` command line.

Each group of subcommands exposes ``configure(subparsers)``, which adds its parsers and sets
``func`` on each of them to a callable taking the parsed namespace and returning an exit code.

* ``run``, ``status``, ``result``, ``cancel``, ``jobs``: :mod:`ibmqjob.cli.jobs`, always there.
* Every other command is a plug-in: an entry point of the group ``ibmqjob.commands`` whose
  value is its ``configure`` function. This distribution declares ``serve``
  (``refserver.cli:configure``, needs the ``server`` extra) and ``conformance``
  (``conformance.cli:configure``, needs the ``conformance`` extra) in ``pyproject.toml``;
  other distributions may add theirs.

Entry points are read from the installed distributions' metadata, which ``pip install``
writes. When ``ibmqjob`` is imported from a source tree (a ``pyproject.toml`` of the project
``ibmqjob`` beside the package, as with an editable install or ``PYTHONPATH``), the entry
points that file declares are used too, so that a command added there works before the
package is installed again (``pip install -e .`` rewrites the metadata).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import tomllib
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from . import jobs
from .exits import EXIT_INTERRUPTED, exit_codes_text

__all__ = ["COMMANDS_GROUP", "build_parser", "command_entry_points", "main", "version_text"]

COMMANDS_GROUP = "ibmqjob.commands"
"""The entry point group of the plug-in subcommands."""

# A plug-in that fails to import one of these is broken, not merely missing an extra.
_OWN_PACKAGES = frozenset({"ibmqjob", "refserver", "conformance", "ibmq_api_client"})


def command_entry_points(source_tree: Path | None = None) -> list[metadata.EntryPoint]:
    """Return the entry points of the plug-in subcommands, one per name, in declared order.

    Args:
        source_tree: The directory holding the ``ibmqjob`` package; its ``pyproject.toml``
            (if it is the ``ibmqjob`` project's) declares entry points that win over the
            installed ones of the same name. Default: where this package was imported from.

    Returns:
        One entry point per command name.
    """
    found = {ep.name: ep for ep in metadata.entry_points(group=COMMANDS_GROUP)}
    root = Path(__file__).resolve().parents[2] if source_tree is None else source_tree
    found.update({ep.name: ep for ep in _declared_entry_points(root / "pyproject.toml")})
    return list(found.values())


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="ibmqjob",
        description="Run and inspect jobs on servers that speak the IBM Quantum job API.",
        epilog=exit_codes_text()
        + "\n\n"
        + textwrap.fill(
            "The server of the job commands: --url/--token, or the environment variables"
            " IBMQJOB_URL/IBMQJOB_TOKEN (or QE_URL/QE_TOKEN); without one, 'run' starts the"
            " embedded reference server.",
            88,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=version_text())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    jobs.configure(subparsers)
    for entry_point in command_entry_points():
        configure = _load(entry_point)
        if configure is not None:
            configure(subparsers)
    return parser


def version_text() -> str:
    """Return what ``ibmqjob --version`` prints: this package's and qiskit's versions."""
    try:
        qiskit = metadata.version("qiskit")
    except metadata.PackageNotFoundError:  # pragma: no cover - qiskit is a dependency
        qiskit = "not installed"
    return f"ibmqjob {__version__} (qiskit {qiskit}, Python {sys.version.split()[0]})"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ibmqjob`` console script."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        func = getattr(args, "func", None)
        if func is None:
            parser.print_help(sys.stderr)
            return 2
        code: int = func(args)
    except KeyboardInterrupt:
        # Ctrl-C while loading the commands or in a command that does not handle it.
        print("ibmqjob: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code


def _declared_entry_points(pyproject: Path) -> list[metadata.EntryPoint]:
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return []  # not a source tree (an installed package has no pyproject.toml)
    if project.get("name") != "ibmqjob":
        return []
    declared = project.get("entry-points", {}).get(COMMANDS_GROUP, {})
    return [
        metadata.EntryPoint(name=name, value=value, group=COMMANDS_GROUP)
        for name, value in declared.items()
    ]


def _load(entry_point: metadata.EntryPoint) -> Callable[[Any], None] | None:
    try:
        configure: Callable[[Any], None] = entry_point.load()
    except ImportError as err:
        # A missing third-party dependency means an extra is not installed: that only
        # hides the subcommands needing it. A missing module of our own is a bug.
        if err.name is None or err.name.split(".")[0] in _OWN_PACKAGES:
            raise
        return None
    return configure
