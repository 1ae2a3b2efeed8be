"""Property-based checks of a server against ``spec/openapi.yaml`` with schemathesis 4.32.

The run goes through schemathesis's engine in process (the engine behind ``schemathesis
run``), so the report is built from its events rather than parsed from its output, and turns
them into one :class:`~conformance.report.Outcome` per operation of the spec.

How the run is set up, and why:

* All phases (examples, coverage, fuzzing, stateful over the spec's links) and every check.
* The ``X-Access-Token`` comes from logging in with the given API token (``accessToken``
  scheme); checks such as ``ignored_auth`` remove or spoil it on purpose.
* ``hub``/``group``/``project`` are pinned to the server's default project and ``backend_name``
  (also ``backend.name`` in ``createJob`` bodies) to one of its backends: random names only
  ever reach the 404 branch, and the stateful phase needs real jobs to follow links from.
* ``format: loopback-filter`` and ``format: properties-filter`` have strategies of their own
  (:mod:`conformance.formats`): a random string is never a valid filter.
* Deterministic: a fixed seed, no example database, bounded ``max_examples``.
* The coverage phase skips ``uploadQobj``: every generated upload carries a random signature
  and can only be refused (403), so enumerating hundreds of Qobj body shapes there tests
  nothing more while taking most of the run. Fuzzing still sends such uploads.
* ``positive_data_acceptance``: a well-formed ``createJob`` may be refused with HTTP 400 and
  error code 3458 when the project reached its concurrent job limit (every created job counts
  until it ends, and a run creates many). That answer is what the API promises for that
  condition, so exactly that failure is dropped (:func:`filter_failure`); any other 400 to
  valid input still fails. The check stays as strict as it is everywhere else. Tests run the
  reference server without a job limit, so the exemption is not even used there.
* Strict mode validates responses against :func:`conformance.specs.strict_openapi`: a field
  the spec does not document fails ``response_schema_conformance``.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.engine import events
from schemathesis.engine import from_schema as engine_for
from schemathesis.generation.case import Case

from .discovery import ServerTarget
from .formats import LOOPBACK_FILTER, PROPERTIES_FILTER, loopback_filters, properties_filters
from .report import Outcome
from .schema_findings import FindingsCollector
from .specs import operations, strict_openapi

__all__ = [
    "ALL_PHASES",
    "JOB_LIMIT_CODE",
    "SchemaRunOptions",
    "filter_failure",
    "run_schema_checks",
]

logger = logging.getLogger(__name__)

ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
JOB_LIMIT_CODE = 3458


@dataclass(frozen=True)
class SchemaRunOptions:
    """How to run the schema checks.

    Attributes:
        max_examples: Largest number of generated cases per operation and phase.
        seed: Seed of the data generation.
        strict: Whether undocumented response fields fail.
        phases: Phases to run (a subset of :data:`ALL_PHASES`).
        operation_ids: Only these operations, or all when empty.
        checks: Only these checks, or all when empty.
        request_timeout: Seconds to wait for each response.
    """

    max_examples: int = 20
    seed: int = 20240501
    strict: bool = False
    phases: tuple[str, ...] = ALL_PHASES
    operation_ids: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    request_timeout: float = 10.0


def schemathesis_config(target: ServerTarget, options: SchemaRunOptions) -> dict[str, Any]:
    """Return the run's configuration, in the dictionary form of ``schemathesis.toml``.

    Args:
        target: The server and project under test.
        options: How to run.

    Returns:
        The configuration.
    """
    config: dict[str, Any] = {
        "seed": options.seed,
        "base-url": target.base_url,
        "request-timeout": options.request_timeout,
        "workers": 1,
        "suppress-health-check": ["all"],
        "generation": {
            "max-examples": options.max_examples,
            "deterministic": True,
            "database": "none",
        },
        "phases": {name: {"enabled": name in options.phases} for name in ALL_PHASES},
        "auth": {"openapi": {"accessToken": {"api_key": target.access_token}}},
        "parameters": {
            "hub": target.hub,
            "group": target.group,
            "project": target.project,
            "backend_name": target.backend_name,
            "body.backend.name": target.backend_name,
        },
        "operations": [
            {"include-operation-id": "uploadQobj", "phases": {"coverage": {"enabled": False}}}
        ],
    }
    if options.operation_ids:
        # Every operation but the selected ones is switched off. (`schema.include()` would
        # add to the config's own selection, which already takes every operation in.)
        config["operations"].append(
            {"exclude-operation-id": list(options.operation_ids), "enabled": False}
        )
    if options.checks:
        config["checks"] = {
            "enabled": False,
            **{name: {"enabled": True} for name in options.checks},
        }
    return config


def filter_failure(context: Any, failure: Failure, case: Case[Any], response: Response) -> bool:
    """Keep every failure but a job-limit refusal of a valid ``createJob`` (see module doc).

    Args:
        context: The hook context.
        failure: The failure a check raised.
        case: The request.
        response: The response.

    Returns:
        False to drop the failure, True to keep it.
    """
    if case.operation.definition.raw.get("operationId") != "createJob":
        return True
    if response.status_code != 400 or "positive_data_acceptance" not in type(failure).checks:
        return True
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return True
    return str(code) != str(JOB_LIMIT_CODE)


def _register_formats() -> None:
    # Registration is global and idempotent: a name always maps to the same strategy.
    schemathesis.openapi.format(LOOPBACK_FILTER, loopback_filters())
    schemathesis.openapi.format(PROPERTIES_FILTER, properties_filters())


def _load_schema(openapi: dict[str, Any], target: ServerTarget, options: SchemaRunOptions) -> Any:
    document = strict_openapi(openapi) if options.strict else copy.deepcopy(openapi)
    config = SchemathesisConfig.from_dict(schemathesis_config(target, options))
    schema: Any = schemathesis.openapi.from_dict(document, config=config)
    schema.hook(filter_failure)
    return schema


def run_schema_checks(
    openapi: dict[str, Any],
    target: ServerTarget,
    options: SchemaRunOptions,
    on_phase: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Run schemathesis against a server and judge every operation.

    Args:
        openapi: The OpenAPI document.
        target: The server and the project to test.
        options: How to run.
        on_phase: Called with a line of progress as each schemathesis phase starts and ends.

    Returns:
        One outcome per selected operation, in spec order, plus a ``schemathesis-run``
        outcome when something failed outside any selected operation.
    """
    _register_formats()
    selected = [
        op
        for op in operations(openapi)
        if not options.operation_ids or op.operation_id in options.operation_ids
    ]
    started = time.monotonic()
    collector = _run_engine(openapi, target, options, on_phase)
    if collector.glitches:
        # An interpreter bug, not a finding: the seeded run is made once more; a second
        # glitch is reported like any other error (see `is_interpreter_glitch`).
        logger.warning("schema checks hit %s; running them again", collector.glitches[0])
        collector = _run_engine(openapi, target, options, on_phase)
    return collector.outcomes(selected, time.monotonic() - started)


def _run_engine(
    openapi: dict[str, Any],
    target: ServerTarget,
    options: SchemaRunOptions,
    on_phase: Callable[[str], None] | None = None,
) -> FindingsCollector:
    collector = FindingsCollector()
    started = time.monotonic()
    try:
        for event in engine_for(_load_schema(openapi, target, options)).execute():
            collector.feed(event)
            if on_phase is not None and isinstance(event, events.PhaseFinished):
                name = str(getattr(event.phase.name, "value", event.phase.name))
                if name in options.phases:
                    seconds = time.monotonic() - started
                    on_phase(f"schema checks: phase {name} over after {seconds:.1f} s")
    except Exception as err:  # the engine failing is a finding of the run, not a crash
        collector.fatal = f"{type(err).__name__}: {err}"
    return collector
