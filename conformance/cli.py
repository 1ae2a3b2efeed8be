"""``ibmqjob conformance``: validate a server of the job API and report, part by part.

Example::

    ibmqjob conformance --url http://127.0.0.1:8390/api --token ibmqjob-demo-token \\
        --other-token ibmqjob-other-token --report-dir reports/conformance

Prints a table (each scenario and each operation: pass, fail or skip, and why), writes
``conformance.xml`` (JUnit) and ``conformance.json`` into the report directory, and exits 1
if anything failed (2 for bad arguments).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from .scenarios import SCENARIOS
from .schema_checks import ALL_PHASES
from .specs import load_openapi, operations
from .validator import ValidationOptions, validate

__all__ = ["configure", "run_conformance"]

DEFAULT_REPORT_DIR = Path("reports") / "conformance"


def configure(subparsers: Any) -> None:
    """Add the ``conformance`` subcommand.

    Args:
        subparsers: The ``ibmqjob`` command's subparsers.
    """
    parser = subparsers.add_parser(
        "conformance",
        help="validate a server of the job API (scenarios and schema checks)",
        description="Validate a server of the job API: scenarios through the SDK, then"
        " schemathesis checks of every operation. Exits 1 if anything failed.",
    )
    add_arguments(parser)
    parser.set_defaults(func=run_conformance)


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``ibmqjob conformance`` to a parser."""
    parser.add_argument("--url", required=True, help="the server's API base, e.g. http://host/api")
    parser.add_argument(
        "--token", default=os.environ.get("IBMQJOB_TOKEN"), help="API token of a user"
    )
    parser.add_argument("--other-token", help="API token of a second user (isolation checks)")
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
    if not args.token:
        return "--token is required (or IBMQJOB_TOKEN)"
    if args.max_examples < 1:
        return "--max-examples must be at least 1"
    if args.poll_interval <= 0 or args.timeout <= 0:
        return "--poll-interval and --timeout must be positive"
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


def run_conformance(args: argparse.Namespace) -> int:
    """Run ``ibmqjob conformance``.

    Args:
        args: The parsed options.

    Returns:
        0 if everything passed, 1 if anything failed, 2 for unusable options.
    """
    problem = _check(args)
    if problem is not None:
        print(f"ibmqjob conformance: error: {problem}", file=sys.stderr)
        return 2
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    run = validate(
        ValidationOptions(
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
        )
    )
    print(run.table())
    junit, report = run.write_reports(args.report_dir)
    print(f"reports: {junit} {report} ({run.seconds:.1f} s)")
    for outcome in run.outcomes:
        if outcome.failed and outcome.details:
            print(f"\n== {outcome.suite} {outcome.name}: {outcome.reason}\n")
            print("\n\n".join(outcome.details))
    return 0 if run.passed else 1
