"""``python -m ibmqjob.testing check DIR...``: search cassettes for secrets.

Exit codes: 0 no secret found, 1 a cassette holds a secret, 2 bad usage (e.g. no such folder).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .leaks import leaks_in_folder

# Environment variables that hold the API token in the SDK and the original client.
_TOKEN_VARIABLES = ("IBMQJOB_TOKEN", "QE_TOKEN")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m ibmqjob.testing",
        description="Tools for recorded sessions (cassettes) of the ibmqjob SDK.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="search cassettes for secrets (exit 1 if any)",
        description="Search every cassette (*.yaml, *.yml, *.json) under the given folders or "
        "files for secrets: values in the places the API carries secrets that are not "
        "placeholders, token-shaped text, and the --secret values (plus the API token in "
        f"{' or '.join(_TOKEN_VARIABLES)}, if set).",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="DIR", help="folder or cassette")
    check.add_argument(
        "--secret", action="append", default=[], help="a value that must not appear (repeatable)"
    )
    args = parser.parse_args(argv)
    known = args.secret + [os.environ[name] for name in _TOKEN_VARIABLES if os.environ.get(name)]
    leaking = 0
    for path in args.paths:
        try:
            found = leaks_in_folder(path, known)
        except (FileNotFoundError, OSError, UnicodeDecodeError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        for cassette, leaks in found.items():
            leaking += 1
            print(f"{cassette}: {len(leaks)} secret(s)")
            for leak in leaks:
                print(f"  {leak}")
    if leaking:
        print(f"{leaking} cassette(s) hold secrets.")
        return 1
    print("No secret found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
