"""Validate a server at a URL: scenarios, then schemathesis, then the reports.

The scenarios run first: the schema checks create many jobs that are never uploaded, and on a
server with a job limit those would stand in the scenarios' way until they are swept (which
:func:`sweep_created_jobs` does after the schema checks).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .audit import WireAudit
from .discovery import DiscoveryError, ServerTarget, discover
from .report import Outcome, Verdict, format_table, write_json, write_junit
from .scenarios import ScenarioContext, run_scenarios
from .schema_checks import ALL_PHASES, SchemaRunOptions, run_schema_checks
from .specs import closed_components, load_asyncapi, load_openapi

__all__ = ["ValidationOptions", "ValidationRun", "sweep_created_jobs", "validate"]

logger = logging.getLogger(__name__)

JUNIT_FILE = "conformance.xml"
JSON_FILE = "conformance.json"


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


@dataclass
class ValidationRun:
    """The result of a validation."""

    options: ValidationOptions
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """Whether nothing failed."""
        return not any(outcome.failed for outcome in self.outcomes)

    def table(self) -> str:
        """The outcomes as a table."""
        return format_table(self.outcomes)

    def write_reports(self, directory: Path) -> tuple[Path, Path]:
        """Write ``conformance.xml`` (JUnit) and ``conformance.json`` into ``directory``.

        Returns:
            The paths of the two files.
        """
        junit, report = directory / JUNIT_FILE, directory / JSON_FILE
        write_junit(self.outcomes, junit)
        write_json(self.outcomes, report, self._meta())
        return junit, report

    def _meta(self) -> dict[str, Any]:
        options = {
            key: value
            for key, value in asdict(self.options).items()
            if key not in ("token", "other_token")
        }
        meta: dict[str, Any] = json.loads(json.dumps(options, default=str))
        meta["seconds"] = round(self.seconds, 3)
        return meta


def validate(options: ValidationOptions) -> ValidationRun:
    """Run the scenarios and the schema checks against a server.

    Args:
        options: What and how.

    Returns:
        The run, with one outcome per scenario and per operation.
    """
    run = ValidationRun(options)
    started = time.monotonic()
    openapi, asyncapi = load_openapi(options.spec_dir), load_asyncapi(options.spec_dir)
    try:
        target = discover(options.url, options.token)
    except DiscoveryError as err:
        run.outcomes.append(Outcome("setup", "discovery", Verdict.FAIL, str(err)))
        run.seconds = time.monotonic() - started
        return run
    if options.scenarios is None or options.scenarios:
        ctx = ScenarioContext(
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
        )
        run.outcomes += run_scenarios(ctx, options.scenarios)
    if options.schema:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
        run.outcomes += run_schema_checks(openapi, target, _schema_options(options))
        sweep_created_jobs(target, since)
    run.seconds = time.monotonic() - started
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
