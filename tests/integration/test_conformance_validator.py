"""``ibmqjob conformance`` on the reference server: it passes, reports, and refuses bad options.

The reference server without any fault must pass every scenario and every operation (the
fault tests in ``test_conformance_faults.py`` show the same checks failing when it breaks the
contract). The users file limits the demo user's second project to 2 jobs, so the job limit
scenario has a limit to reach.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.discovery import discover
from conformance.record import limited_users
from conformance.report import Verdict, summary_line
from conformance.scenarios import SCENARIOS
from conformance.schema_checks import JOB_LIMIT_CODE, SchemaRunOptions, run_schema_checks
from conformance.specs import load_openapi, operations, schema_problems, strict_openapi
from conformance.validator import ValidationOptions, validate
from ibmqjob.cli import main

pytestmark = pytest.mark.slow


def test_validator_passes_on_the_reference_server(
    server_factory: Callable[..., Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory(
        step_delay=0.1, job_limit=-1, users_file=limited_users(tmp_path / "users.yaml")
    )
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
            "5",
            "--timeout",
            "30",
            "--report-dir",
            str(reports),
            # Strict: the reference server sends no field or status the spec leaves out.
            "--strict",
            # Certified: every profile, no skip allowed.
            "--certify",
        ]
    )
    table = capsys.readouterr().out
    assert code == 0, table
    # A line per check as it ends, then the total time.
    total = re.search(r"^validating \S+: (\d+) checks", table, re.MULTILINE)
    assert total is not None, table
    checks = int(total.group(1))
    assert f"[ 1/{checks}] PASS  scenario login_and_discovery" in table
    assert f"{checks} passed, 0 failed, 0 skipped in " in table and ": conformant" in table
    document = json.loads((reports / "conformance.json").read_text())
    meta = document["meta"]
    assert meta["server_version"]["api-auth"] and meta["url"] == server.auth_url
    assert len(meta["spec_sha256"]) == 64 and meta["tool_version"] and meta["started"]
    assert meta["profiles"] == ["core", "websocket", "devices", "isolation", "limits"]
    assert (reports / "conformance.html").read_text().count('class="check pass"') == checks
    verdicts = {outcome["name"]: outcome["verdict"] for outcome in document["outcomes"]}
    expected = {s.name for s in SCENARIOS} | {op.operation_id for op in operations(load_openapi())}
    assert set(verdicts) == expected
    assert set(verdicts.values()) == {"pass"}, table
    assert "ibmqjob-demo-token" not in (reports / "conformance.json").read_text()
    suites = ET.parse(reports / "conformance.xml").getroot().findall("testsuite")
    assert {suite.get("name"): suite.get("failures") for suite in suites} == {
        "scenario": "0",
        "schema": "0",
    }
    assert "job_limit" in table and "PASS" in table


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--scenarios", "no_such_scenario", "unknown scenarios"),
        ("--operations", "noSuchOperation", "unknown operations"),
        ("--phases", "warp", "unknown phases"),
        ("--max-examples", "0", "at least 1"),
    ],
)
def test_bad_options_exit_2_and_say_why(
    capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    code = main(["conformance", "--url", "http://127.0.0.1:9/api", "--token", "t", option, value])
    assert code == 2
    assert message in capsys.readouterr().err


def test_unreachable_server_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "conformance",
            "--url",
            "http://127.0.0.1:9/api",
            "--token",
            "t",
            "--report-dir",
            str(tmp_path),
        ]
    )
    assert code == 3
    out = capsys.readouterr().out
    assert "discovery" in out and "cannot reach http://127.0.0.1:9/api" in out
    document = json.loads((tmp_path / "conformance.json").read_text())
    assert document["passed"] is False
    assert document["meta"]["server_version"].startswith("no answer: ConnectError")


def test_a_certified_run_fails_on_a_skip(server_factory: Callable[..., Any]) -> None:
    server = server_factory(job_limit=-1)
    options = ValidationOptions(
        url=server.auth_url, token=server.demo_token, profiles=("isolation",), schema=False
    )
    run = validate(options)
    assert [(o.name, o.verdict) for o in run.outcomes] == [("isolation", Verdict.SKIP)]
    assert run.passed
    certified = validate(dataclasses.replace(options, certify=True))
    assert not certified.passed
    assert "a certified run fails on any skip" in summary_line(
        certified.outcomes, certified.seconds, certify=True
    )


def test_strict_spec_rejects_undocumented_response_fields() -> None:
    spec = load_openapi()
    strict = strict_openapi(spec)
    job = {"id": "a", "creationDate": "2024-05-01T12:00:00.000Z", "status": "QUEUED"}
    assert schema_problems(spec, "Job", {**job, "surprise": 1}) == []
    assert schema_problems(strict, "JobStrict", job) == []
    problems = schema_problems(strict, "JobStrict", {**job, "surprise": 1})
    assert problems and "surprise" in problems[0]
    # Free-form maps and documents whose shape qiskit owns stay open; requests are unchanged.
    assert schema_problems(strict, "JobStrict", {**job, "summaryData": {"any": 1}}) == []
    assert "ResultStrict" not in strict["components"]["schemas"]
    assert (
        strict["components"]["schemas"]["JobCreateRequest"]
        == spec["components"]["schemas"]["JobCreateRequest"]
    )


def test_job_limit_refusals_of_valid_jobs_are_not_failures(
    server_factory: Callable[..., Any],
) -> None:
    # With a limit of 1, every createJob after the first is refused with 400 and code 3458:
    # what the API promises at the limit, so positive_data_acceptance must let exactly that pass.
    server = server_factory(job_limit=1)
    target = discover(server.auth_url, server.demo_token)
    options = SchemaRunOptions(
        max_examples=10, operation_ids=("createJob", "getJob"), phases=("fuzzing", "stateful")
    )
    outcomes = run_schema_checks(load_openapi(), target, options)
    verdicts = [(o.name, o.verdict.value) for o in outcomes]
    assert verdicts == [("createJob", "pass"), ("getJob", "pass")], outcomes
    refused = httpx.post(
        f"{server.auth_url}{target.project_prefix}/Jobs",
        headers={"X-Access-Token": target.access_token},
        json={"backend": {"name": target.backend_name}},
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == JOB_LIMIT_CODE
