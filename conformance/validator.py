"""Validate a server at a URL: scenarios, then schemathesis, then the reports.

The scenarios run first: the schema checks create many jobs that are never uploaded, and on a
server with a job limit those would stand in the scenarios' way until they are swept (which
:func:`sweep_created_jobs` does after the schema checks).

Which checks run is decided by the profiles (:mod:`conformance.profiles`). Every outcome is
handed to a progress callback as soon as it is known, and every text of every outcome is
redacted before it leaves: the API tokens given, the access tokens seen and URL signatures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

import ibmqjob

from .audit import WireAudit
from .discovery import DiscoveryError, ServerTarget, ServerUnreachable, discover
from .evidence import ExchangeLog, OperationIndex, Redactor
from .html_report import write_html
from .profiles import ALL_PROFILES
from .report import Outcome, RunFacts, Verdict, exit_code, format_table, write_json, write_junit
from .scenarios import SCENARIOS, Scenario, ScenarioContext, run_scenarios
from .schema_checks import ALL_PHASES, SchemaRunOptions, run_schema_checks
from .specs import closed_components, load_asyncapi, load_openapi, operations, spec_sha256

__all__ = [
    "ValidationOptions",
    "ValidationRun",
    "chosen_scenarios",
    "sweep_created_jobs",
    "validate",
]

logger = logging.getLogger(__name__)

JUNIT_FILE = "conformance.xml"
JSON_FILE = "conformance.json"
HTML_FILE = "conformance.html"


@dataclass(frozen=True)
class ValidationOptions:
    """What to validate and how.

    Attributes:
        url: The server's API base (auth URL).
        token: An API token of a user with a default project.
        other_token: An API token of another user (enables the isolation scenario).
        strict: Fail on response fields and status codes the spec does not document.
        max_examples: Largest number of generated cases per operation and phase.
        seed: Seed of the schema checks.
        phases: Schemathesis phases to run.
        operations: Only these operations in the schema checks (all when empty).
        scenarios: Only these scenarios (all when ``None``; none when empty).
        schema: Whether to run the schema checks at all.
        websocket: Whether scenarios may use the status websocket.
        timeout: Longest wait for a job, in seconds.
        poll_interval: Seconds between status polls of the scenarios.
        spec_dir: Folder of ``openapi.yaml`` and ``asyncapi.yaml``; the source tree's by default.
        profiles: The profiles whose checks run (:mod:`conformance.profiles`).
        certify: A certified run: every profile, and any skip fails it.
    """

    url: str
    token: str
    other_token: str | None = None
    strict: bool = False
    max_examples: int = 20
    seed: int = 20240501
    phases: tuple[str, ...] = ALL_PHASES
    operations: tuple[str, ...] = ()
    scenarios: tuple[str, ...] | None = None
    schema: bool = True
    websocket: bool = True
    timeout: float = 120.0
    poll_interval: float = 0.1
    spec_dir: Path | None = None
    profiles: tuple[str, ...] = ALL_PROFILES
    certify: bool = False


@dataclass
class ValidationRun:
    """The result of a validation.

    Attributes:
        options: What was asked.
        facts: What every report says about the run.
        outcomes: One per check, in run order.
        unreachable: The server could not be reached at all (exit code 3).
    """

    options: ValidationOptions
    facts: RunFacts
    outcomes: list[Outcome] = field(default_factory=list)
    unreachable: bool = False

    @property
    def seconds(self) -> float:
        """How long the run took."""
        return self.facts.seconds

    @property
    def passed(self) -> bool:
        """Whether nothing failed (and, when certifying, nothing was skipped)."""
        return exit_code(self.outcomes, self.options.certify) == 0

    def table(self) -> str:
        """The outcomes as a table."""
        return format_table(self.outcomes)

    def write_reports(self, directory: Path) -> tuple[Path, Path, Path]:
        """Write ``conformance.xml`` (JUnit), ``.json`` and ``.html`` into ``directory``.

        Returns:
            The paths of the three files.
        """
        junit, report, page = directory / JUNIT_FILE, directory / JSON_FILE, directory / HTML_FILE
        write_junit(self.outcomes, junit, self.facts)
        write_json(self.outcomes, report, self.facts)
        write_html(self.outcomes, page, self.facts)
        return junit, report, page


def chosen_scenarios(options: ValidationOptions) -> list[Scenario]:
    """The scenarios the options select: in a chosen profile, and named if names are given."""
    return [
        scenario
        for scenario in SCENARIOS
        if scenario.profile in options.profiles
        and (options.scenarios is None or scenario.name in options.scenarios)
    ]


def _schema_selected(options: ValidationOptions, openapi: dict[str, Any]) -> int:
    if not options.schema or "core" not in options.profiles:
        return 0
    return sum(
        not options.operations or op.operation_id in options.operations
        for op in operations(openapi)
    )


def server_version(url: str) -> Any:
    """What ``GET {url}/version`` answers (JSON), or a string saying why there is nothing."""
    try:
        response = httpx.get(url.rstrip("/") + "/version", timeout=10)
        return response.json() if response.status_code == 200 else f"HTTP {response.status_code}"
    except (httpx.HTTPError, ValueError) as err:
        return f"no answer: {type(err).__name__}: {err}"


def validate(
    options: ValidationOptions,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ValidationRun:
    """Run the chosen scenarios and schema checks against a server.

    Args:
        options: What and how.
        on_outcome: Called with each outcome as soon as it is known.
        on_start: Called once with the number of checks the run will judge.
        on_note: Called with lines of progress between outcomes (the schema checks' phases).

    Returns:
        The run, with one outcome per scenario and per operation.
    """
    started = time.monotonic()
    facts = RunFacts(
        tool_version=ibmqjob.__version__,
        spec_sha256=spec_sha256(options.spec_dir),
        server_version=server_version(options.url),
        url=options.url,
        seed=options.seed,
        profiles=options.profiles,
        certify=options.certify,
        started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    run = ValidationRun(options, facts)
    openapi, asyncapi = load_openapi(options.spec_dir), load_asyncapi(options.spec_dir)
    scenarios = chosen_scenarios(options)
    if on_start is not None:
        on_start(len(scenarios) + _schema_selected(options, openapi))
    redactor = Redactor(options.token, options.other_token)
    report = on_outcome or (lambda outcome: None)
    try:
        target = discover(options.url, options.token)
    except DiscoveryError as err:
        run.unreachable = isinstance(err, ServerUnreachable)
        run.outcomes.append(Outcome("setup", "discovery", Verdict.FAIL, redactor(str(err))))
        report(run.outcomes[-1])
        return _finish(run, started, redactor)
    redactor.learn(target.access_token)
    if scenarios:
        ctx = _scenario_context(options, openapi, asyncapi, redactor)
        names = [scenario.name for scenario in scenarios]
        run.outcomes += run_scenarios(ctx, names, lambda o: report(_redacted(o, redactor)))
    if _schema_selected(options, openapi):
        since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
        if on_note is not None:
            on_note(f"schema checks: {', '.join(options.phases)} on every selected operation")
        schema_outcomes = run_schema_checks(openapi, target, _schema_options(options), on_note)
        for outcome in schema_outcomes:
            run.outcomes.append(outcome)
            report(_redacted(outcome, redactor))
        sweep_created_jobs(target, since)
    return _finish(run, started, redactor)


def _scenario_context(
    options: ValidationOptions,
    openapi: dict[str, Any],
    asyncapi: dict[str, Any],
    redactor: Redactor,
) -> ScenarioContext:
    return ScenarioContext(
        url=options.url,
        token=options.token,
        other_token=options.other_token,
        openapi=closed_components(openapi) if options.strict else openapi,
        asyncapi=asyncapi,
        run_id="cf" + secrets.token_hex(4),
        websocket=options.websocket,
        timeout=options.timeout,
        poll_interval=options.poll_interval,
        audit=WireAudit(closed_components(openapi), options.url) if options.strict else None,
        exchanges=ExchangeLog(redactor, OperationIndex(openapi, options.url)),
    )


def _redacted(outcome: Outcome, redactor: Redactor) -> Outcome:
    return dataclasses.replace(
        outcome,
        reason=redactor(outcome.reason),
        details=tuple(redactor(text) for text in outcome.details),
    )


def _finish(run: ValidationRun, started: float, redactor: Redactor) -> ValidationRun:
    run.outcomes = [_redacted(outcome, redactor) for outcome in run.outcomes]
    run.facts = dataclasses.replace(run.facts, seconds=time.monotonic() - started)
    return run


def _schema_options(options: ValidationOptions) -> SchemaRunOptions:
    return SchemaRunOptions(
        max_examples=options.max_examples,
        seed=options.seed,
        strict=options.strict,
        phases=options.phases,
        operation_ids=options.operations,
    )


def sweep_created_jobs(target: ServerTarget, since: dt.datetime) -> int:
    """Cancel the jobs left in CREATING since ``since`` (the schema checks create many).

    They count against the project's job limit until they end. Failures are only logged:
    cleaning up is a courtesy, not a check.

    Args:
        target: The server and project.
        since: Only jobs created at or after this instant.

    Returns:
        How many jobs were cancelled.
    """
    where = {"status": "CREATING", "creationDate": {"gte": since.isoformat()}}
    headers = {"X-Access-Token": target.access_token}
    cancelled = 0
    try:
        with httpx.Client(base_url=target.api_url, headers=headers, timeout=30) as client:
            listed = client.get(
                target.project_prefix + "/Jobs/status/v/1",
                params={"filter": json.dumps({"where": where, "limit": 1000})},
            )
            for job in listed.json() if listed.status_code == 200 else []:
                answer = client.post(f"{target.project_prefix}/Jobs/{job['id']}/cancel")
                cancelled += answer.status_code == 200
    except (httpx.HTTPError, ValueError, TypeError, KeyError) as err:
        logger.warning("could not sweep the jobs left in CREATING: %s", err)
    logger.info("cancelled %d jobs left in CREATING by the schema checks", cancelled)
    return cancelled
