"""``ibmqjob conformance``: validate a server of the job API and report, check by check.

Example::

    ibmqjob conformance --url http://127.0.0.1:8390/api --token ibmqjob-demo-token \\
        --other-token ibmqjob-other-token --report-dir reports/conformance --certify

Prints a line per check as it ends and the total time, then a table and every failure with
its evidence; writes ``conformance.xml`` (JUnit), ``conformance.json`` and ``conformance.html``
into the report directory. Exit codes: 0 conformant, 1 not conformant (or, with ``--certify``,
a check skipped), 2 bad usage, 3 the server could not be reached.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from .profiles import ALL_PROFILES, PROFILES, parse_profiles
from .report import Outcome, format_failures, progress_line, summary_line
from .scenarios import SCENARIOS
from .schema_checks import ALL_PHASES
from .specs import load_openapi, operations
from .validator import ValidationOptions, validate

__all__ = ["EXIT_BAD_USAGE", "EXIT_UNREACHABLE", "configure", "list_checks", "run_conformance"]

DEFAULT_REPORT_DIR = Path("reports") / "conformance"
EXIT_BAD_USAGE = 2
EXIT_UNREACHABLE = 3


def configure(subparsers: Any) -> None:
    """Add the ``conformance`` subcommand.

    Args:
        subparsers: The ``ibmqjob`` command's subparsers.
    """
    parser = subparsers.add_parser(
        "conformance",
        help="validate a server of the job API (scenarios and schema checks)",
        description="Validate a server of the job API: scenarios through the SDK, then"
        " schemathesis checks of every operation. Exit codes: 0 conformant, 1 not conformant,"
        " 2 bad usage, 3 server unreachable.",
    )
    add_arguments(parser)
    parser.set_defaults(func=run_conformance)


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _profiles(text: str) -> tuple[str, ...]:
    try:
        return parse_profiles(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``ibmqjob conformance`` to a parser."""
    parser.add_argument("--url", help="the server's API base, e.g. http://host/api")
    parser.add_argument(
        "--token", default=os.environ.get("IBMQJOB_TOKEN"), help="API token of a user"
    )
    parser.add_argument("--other-token", help="API token of a second user (isolation checks)")
    parser.add_argument(
        "--profile",
        type=_profiles,
        default=ALL_PROFILES,
        help=f"profiles to run, comma-separated: full (default) or {', '.join(ALL_PROFILES)}",
    )
    parser.add_argument(
        "--certify",
        action="store_true",
        help="a certified run: every profile, and any skipped check fails the run",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the checks, their profile and what they cover"
    )
    parser.add_argument(
        "--report-dir", type=Path, default=DEFAULT_REPORT_DIR, help="where to write the reports"
    )
    parser.add_argument(
        "--strict", action="store_true", help="also fail on undocumented response fields"
    )
    parser.add_argument(
        "--max-examples", type=int, default=20, help="generated cases per operation and phase"
    )
    parser.add_argument("--seed", type=int, default=20240501, help="seed of the generated cases")
    parser.add_argument(
        "--phases", type=_csv, default=ALL_PHASES, help="schemathesis phases (comma-separated)"
    )
    parser.add_argument(
        "--operations", type=_csv, default=(), help="only these operation ids (comma-separated)"
    )
    parser.add_argument(
        "--scenarios", type=_csv, default=None, help="only these scenarios (comma-separated)"
    )
    parser.add_argument("--no-schema", action="store_true", help="skip the schema checks")
    parser.add_argument("--no-websocket", action="store_true", help="never use the websocket")
    parser.add_argument("--timeout", type=float, default=120.0, help="longest wait for a job (s)")
    parser.add_argument(
        "--poll-interval", type=float, default=0.1, help="seconds between status polls"
    )
    parser.add_argument("--spec-dir", type=Path, help="folder of openapi.yaml and asyncapi.yaml")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")


def _check(args: argparse.Namespace) -> str | None:
    """Why the arguments cannot be used, or ``None``."""
    if not args.url:
        return "--url is required"
    if not args.token:
        return "--token is required (or IBMQJOB_TOKEN)"
    if args.max_examples < 1:
        return "--max-examples must be at least 1"
    if args.poll_interval <= 0 or args.timeout <= 0:
        return "--poll-interval and --timeout must be positive"
    if args.certify and (
        args.profile != ALL_PROFILES or args.scenarios is not None or args.operations
    ):
        return "--certify runs every check: drop --profile, --scenarios and --operations"
    if args.certify and (args.no_schema or args.no_websocket):
        return "--certify runs every check: drop --no-schema and --no-websocket"
    unknown_phases = sorted(set(args.phases) - set(ALL_PHASES))
    if unknown_phases:
        return f"unknown phases {unknown_phases}; known: {', '.join(ALL_PHASES)}"
    known_scenarios = {scenario.name for scenario in SCENARIOS}
    unknown_scenarios = sorted(set(args.scenarios or ()) - known_scenarios)
    if unknown_scenarios:
        return f"unknown scenarios {unknown_scenarios}; known: {', '.join(sorted(known_scenarios))}"
    try:
        known_operations = {op.operation_id for op in operations(load_openapi(args.spec_dir))}
    except ValueError as err:
        return str(err)
    unknown_operations = sorted(set(args.operations) - known_operations)
    if unknown_operations:
        return f"unknown operations {unknown_operations}"
    return None


def list_checks(spec_dir: Path | None = None) -> str:
    """Every check, by profile: its name, what it judges and what it covers."""
    lines = []
    for profile, meaning in PROFILES.items():
        lines.append(f"{profile}: {meaning}")
        for scenario in SCENARIOS:
            if scenario.profile == profile:
                lines.append(f"  scenario {scenario.name}: {scenario.summary}")
                lines.append(f"      reference {', '.join(scenario.sections)}")
                lines.append(f"      covers {', '.join(scenario.covers)}")
        if profile == "core":
            for op in operations(load_openapi(spec_dir)):
                lines.append(
                    f"  schema {op.operation_id}: {op.label}, every schemathesis check"
                    " (status codes, response schemas, headers, auth, stateful links)"
                )
    return "\n".join(lines)


def run_conformance(args: argparse.Namespace) -> int:
    """Run ``ibmqjob conformance``.

    Args:
        args: The parsed options.

    Returns:
        0 conformant, 1 not conformant, 2 for unusable options, 3 server unreachable.
    """
    if args.list:
        print(list_checks(args.spec_dir))
        return 0
    problem = _check(args)
    if problem is not None:
        print(f"ibmqjob conformance: error: {problem}", file=sys.stderr)
        return EXIT_BAD_USAGE
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    total = [0]
    done: list[Outcome] = []

    def started(count: int) -> None:
        total[0] = count
        print(f"validating {args.url}: {count} checks, profiles {','.join(args.profile)}")
        sys.stdout.flush()

    def progress(outcome: Outcome) -> None:
        done.append(outcome)
        print(progress_line(len(done), max(total[0], len(done)), outcome), flush=True)

    def note(text: str) -> None:
        print(f"        {text}", flush=True)

    run = validate(_options(args), on_outcome=progress, on_start=started, on_note=note)
    print()
    print(run.table())
    failures = format_failures(run.outcomes)
    if failures:
        print("\n" + failures)
    paths = run.write_reports(args.report_dir)
    print("\nreports: " + " ".join(str(path) for path in paths))
    print(summary_line(run.outcomes, run.seconds, args.certify))
    if run.unreachable:
        return EXIT_UNREACHABLE
    return 0 if run.passed else 1


def _options(args: argparse.Namespace) -> ValidationOptions:
    return ValidationOptions(
        url=args.url,
        token=args.token,
        other_token=args.other_token,
        strict=args.strict,
        max_examples=args.max_examples,
        seed=args.seed,
        phases=tuple(args.phases),
        operations=tuple(args.operations),
        scenarios=args.scenarios,
        schema=not args.no_schema,
        websocket=not args.no_websocket,
        timeout=args.timeout,
        poll_interval=args.poll_interval,
        spec_dir=args.spec_dir,
        profiles=tuple(args.profile),
        certify=args.certify,
    )
