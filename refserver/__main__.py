"""``python -m refserver [serve] [options]``: run the reference server."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from refserver.cli import configure


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line (``serve`` is implied) and run it."""
    parser = argparse.ArgumentParser(prog="python -m refserver")
    configure(parser.add_subparsers(dest="command"))
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("serve", "-h", "--help"):
        args.insert(0, "serve")
    namespace = parser.parse_args(args)
    code: int = namespace.func(namespace)
    return code


if __name__ == "__main__":
    sys.exit(main())
