"""The conformance suite catches each deliberate fault of the reference server.

Each test starts a reference server with one fault switched on (``refserver.faults``) and
runs the part of the suite meant to catch it: the run must fail, and the failure must name the
broken part (the scenario or the operation, and what was wrong). Two faults go through the
whole ``ibmqjob conformance`` command, which must exit 1 and report them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.discovery import discover
from conformance.record import limited_users
from conformance.report import Outcome, Verdict
from conformance.scenarios import ScenarioContext, run_scenarios
from conformance.schema_checks import SchemaRunOptions, run_schema_checks
from conformance.specs import load_asyncapi, load_openapi
from ibmqjob.cli import main

pytestmark = pytest.mark.slow

STEP_DELAY = 0.1


def _server(
    server_factory: Callable[..., Any],
    tmp_path: Path,
    fault: str,
    step_delay: float = STEP_DELAY,
    run_delay: float = 0.0,
) -> Any:
    return server_factory(
        step_delay=step_delay,
        run_delay=run_delay,
        job_limit=-1,
        faults=[fault],
        users_file=limited_users(tmp_path / "users.yaml"),
    )


def _scenarios(server: Any, *names: str) -> list[Outcome]:
    ctx = ScenarioContext(
        url=server.auth_url,
        token=server.demo_token,
        other_token=server.other_token,
        openapi=load_openapi(),
        asyncapi=load_asyncapi(),
        poll_interval=0.05,
        timeout=30,
    )
    return run_scenarios(ctx, names)


def _schema(server: Any, operations: tuple[str, ...], phases: tuple[str, ...]) -> list[Outcome]:
    options = SchemaRunOptions(max_examples=5, operation_ids=operations, phases=phases)
    return run_schema_checks(load_openapi(), discover(server.auth_url, server.demo_token), options)


def _failed(outcomes: list[Outcome]) -> dict[str, str]:
    return {o.name: o.reason + "\n" + "\n".join(o.details) for o in outcomes if o.failed}


SCENARIO_FAULTS = [
    ("wrong_status_string", "submit_and_wait_polling", "'completed', which is not a documented"),
    ("tags_not_echoed", "name_and_tags", "updateJob"),
    ("wrong_close_code", "websocket_frames", "closed with code 1000 after the final status"),
    ("paging_repeats", "listing_pages", "legacy cursor returned job"),
    ("info_queue_outside_queued", "queue_information", "infoQueue while the job was"),
    ("info_queue_outside_queued", "websocket_frames", "carries infoQueue with status"),
    ("cross_user_access", "isolation", "another user's job"),
    ("500_on_bad_input", "bad_input", "HTTP 500 (expected 400)"),
]


@pytest.mark.parametrize(("fault", "scenario", "phrase"), SCENARIO_FAULTS)
def test_scenario_names_the_fault(
    server_factory: Callable[..., Any], tmp_path: Path, fault: str, scenario: str, phrase: str
) -> None:
    # The websocket scenario connects after submitting: its job must still be on its way
    # (VALIDATED, RUNNING) then, however slow the machine, for the frames to show the fault.
    slow = scenario == "websocket_frames"
    server = _server(server_factory, tmp_path, fault, *((1.0, 1.0) if slow else (STEP_DELAY,)))
    failed = _failed(_scenarios(server, scenario))
    assert scenario in failed, f"{scenario} passed on a server with {fault}"
    assert phrase in failed[scenario]


def test_scenarios_pass_without_the_faults(
    server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    # The same scenarios on a server without fault: the failures above are the faults' doing.
    server = server_factory(
        step_delay=STEP_DELAY, job_limit=-1, users_file=limited_users(tmp_path / "users.yaml")
    )
    names = sorted({scenario for _, scenario, _ in SCENARIO_FAULTS})
    outcomes = _scenarios(server, *names)
    assert not _failed(outcomes), _failed(outcomes)
    assert all(o.verdict is Verdict.PASS for o in outcomes), [(o.name, o.reason) for o in outcomes]


SCHEMA_FAULTS = [
    (
        "missing_creation_date",
        ("createJob", "getJob", "listJobs"),
        ("examples", "fuzzing", "stateful"),
        {"createJob", "getJob", "listJobs"},
        "[ST108] Response violates schema",
    ),
    (
        "500_on_bad_input",
        ("getDeviceProperties", "listJobs", "listJobIds"),
        ("coverage",),
        {"getDeviceProperties"},
        "[ST101] Server error",
    ),
]


@pytest.mark.parametrize(("fault", "operations", "phases", "broken", "phrase"), SCHEMA_FAULTS)
def test_schema_checks_name_the_fault(
    server_factory: Callable[..., Any],
    tmp_path: Path,
    fault: str,
    operations: tuple[str, ...],
    phases: tuple[str, ...],
    broken: set[str],
    phrase: str,
) -> None:
    server = _server(server_factory, tmp_path, fault)
    failed = _failed(_schema(server, operations, phases))
    assert broken <= set(failed), f"only {sorted(failed)} failed with {fault}"
    assert all(phrase in failed[name] for name in broken), failed


@pytest.mark.parametrize(
    ("fault", "broken"),
    [
        ("missing_creation_date", {"submit_and_wait_polling", "getJob", "listJobs"}),
        ("tags_not_echoed", {"name_and_tags"}),
    ],
)
def test_whole_validator_fails_and_reports(
    server_factory: Callable[..., Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    broken: set[str],
) -> None:
    server = _server(server_factory, tmp_path, fault)
    reports = tmp_path / "reports"
    code = main(
        [
            "conformance",
            "--url",
            server.auth_url,
            "--token",
            server.demo_token,
            "--other-token",
            server.other_token,
            "--max-examples",
            "3",
            "--timeout",
            "30",
            "--report-dir",
            str(reports),
        ]
    )
    table = capsys.readouterr().out
    assert code == 1, table
    document = json.loads((reports / "conformance.json").read_text())
    failed = {o["name"] for o in document["outcomes"] if o["verdict"] == "fail"}
    assert broken <= failed, table
    assert document["passed"] is False
    junit = (reports / "conformance.xml").read_text()
    assert all(f'name="{name}"' in junit for name in broken)
