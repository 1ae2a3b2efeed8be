"""The ``ibmqjob`` command line.

Each group of subcommands lives in the module that owns it and exposes
``configure(subparsers)``, which adds its parsers and sets ``func`` on each of
them to a callable taking the parsed namespace and returning an exit code:

* ``run``, ``status``, ``result``, ``cancel``, ``jobs``: :mod:`ibmqjob._cli_jobs`
* ``serve``: :mod:`refserver.cli` (needs the ``server`` extra)
* ``conformance``: :mod:`conformance.cli` (needs the ``conformance`` extra)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

_COMMAND_MODULES = ("ibmqjob._cli_jobs", "refserver.cli", "conformance.cli")
_OWN_PACKAGES = frozenset({"ibmqjob", "refserver", "conformance", "ibmq_api_client"})


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="ibmqjob",
        description="Run and inspect jobs on servers that speak the IBM Quantum job API.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as err:
            # A missing third-party dependency means an extra is not installed: that only
            # hides the subcommands needing it. A missing module of our own is a bug.
            if err.name is None or err.name.split(".")[0] in _OWN_PACKAGES:
                raise
            continue
        module.configure(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ibmqjob`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    code: int = func(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
