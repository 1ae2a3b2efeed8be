"""Verdicts by the contract, both ways: broken servers are caught and named, legal ones pass.

* Broken: the reference server with one *wire fault* of ``refserver.faults`` switched on
  (results that ignore the circuit, a seed ignored, a listing that drops part of its filter,
  a cancel, delete or update without effect). The scenarios meant to catch the fault fail and
  name it, with evidence; no scenario that does not cover the broken operation fails.
* Legal: the reference server behind ``variant_proxy`` with every legal variant at once
  (dates at +02:00, unknown fields, extra headers, gzip, chunked bodies, keys reordered, UUID
  job ids), the status websocket included. The whole validator, every profile, passes.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.evidence import ExchangeLog, OperationIndex, Redactor
from conformance.record import limited_users
from conformance.report import Outcome, Verdict
from conformance.scenarios import SCENARIOS, ScenarioContext, run_scenarios
from conformance.specs import load_asyncapi, load_openapi
from ibmqjob.cli import main
from refserver.runner import ServerThread
from tests.integration.variant_proxy import VARIANTS, VariantProxy

pytestmark = pytest.mark.slow

STEP_DELAY = 0.05


def _covering(operation: str) -> set[str]:
    return {scenario.name for scenario in SCENARIOS if operation in scenario.covers}


def _scenarios(server: Any, *names: str) -> list[Outcome]:
    openapi = load_openapi()
    ctx = ScenarioContext(
        url=server.auth_url,
        token=server.demo_token,
        other_token=server.other_token,
        openapi=openapi,
        asyncapi=load_asyncapi(),
        poll_interval=0.05,
        timeout=30,
        websocket=False,
        exchanges=ExchangeLog(
            Redactor(server.demo_token), OperationIndex(openapi, server.auth_url)
        ),
    )
    return run_scenarios(ctx, names)


# fault, the operation it breaks, scenarios run, {scenario that must fail: phrase of its reason}
WIRE_FAULTS = [
    (
        "results_ignore_circuit",
        "downloadResult",
        ("circuit_outcomes", "submit_and_wait_polling"),
        {"circuit_outcomes": "a deterministic circuit (X on qubits 0 and 1 of 3"},
    ),
    (
        "seed_ignored",
        "uploadQobj",
        ("circuit_outcomes", "submit_and_wait_polling"),
        {"circuit_outcomes": "two runs with seed_simulator=1234 disagree"},
    ),
    (
        "listing_ignores_skip",
        "listJobs",
        ("operation_effects", "submit_and_wait_polling"),
        {"operation_effects": "skip 1, limit 2 listed"},
    ),
    (
        "listing_ignores_limit",
        "listJobs",
        ("operation_effects", "submit_and_wait_polling"),
        {"operation_effects": "limit 2 listed"},
    ),
    (
        "listing_ignores_order",
        "listJobs",
        ("operation_effects", "submit_and_wait_polling"),
        {"operation_effects": "order `creationDate ASC` listed"},
    ),
    (
        "listing_ignores_status",
        "listJobs",
        ("operation_effects", "submit_and_wait_polling"),
        {"operation_effects": "where.status CANCELLED listed"},
    ),
    (
        "filter_dates_ignore_offset",
        "listJobs",
        ("operation_effects", "listing_pages"),
        {"operation_effects": "dates in filters are instants, whatever their offset"},
    ),
    (
        "cancel_without_effect",
        "cancelJob",
        ("operation_effects", "cancel_while_queued", "submit_and_wait_polling"),
        {
            "operation_effects": "after cancelJob answered 200, getJobStatus shows status",
            "cancel_while_queued": "the cancelled job ended DONE",
        },
    ),
    (
        "delete_without_effect",
        "deleteJob",
        ("operation_effects", "submit_and_wait_polling"),
        {"operation_effects": "after deleteJob answered 200, getJob answered HTTP 200"},
    ),
    (
        "update_without_effect",
        "updateJob",
        ("operation_effects", "name_and_tags", "submit_and_wait_polling"),
        {
            "operation_effects": "after updateJob, getJob shows name",
            "name_and_tags": "getJob shows tags",
        },
    ),
]


@pytest.mark.parametrize(("fault", "operation", "run", "broken"), WIRE_FAULTS)
def test_wire_fault_is_caught_and_named_by_the_checks_that_cover_it(
    server_factory: Callable[..., Any],
    tmp_path: Path,
    fault: str,
    operation: str,
    run: tuple[str, ...],
    broken: dict[str, str],
) -> None:
    server = server_factory(
        step_delay=STEP_DELAY,
        job_limit=-1,
        faults=[fault],
        users_file=limited_users(tmp_path / "users.yaml"),
    )
    outcomes = _scenarios(server, *run)
    failed = {o.name: o for o in outcomes if o.failed}
    assert set(broken) <= set(failed), f"{fault}: only {sorted(failed)} failed"
    assert set(failed) <= _covering(operation), f"{fault} also failed {sorted(failed)}"
    for name, phrase in broken.items():
        assert phrase in failed[name].reason, failed[name].reason
        evidence = "\n".join(failed[name].details)
        assert "reproduce: curl" in evidence and "spec operation: " in evidence, evidence
        assert server.demo_token not in evidence
    for name in set(run) - set(broken):
        assert {o.name: o.verdict for o in outcomes}[name] is Verdict.PASS, outcomes


@pytest.fixture(scope="module")
def variant_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VariantProxy]:
    users = limited_users(tmp_path_factory.mktemp("variants") / "users.yaml")
    # Steps long enough to see a job QUEUED through the proxy, on a loaded machine too.
    with ServerThread(step_delay=0.3, job_limit=-1, users_file=users) as server:
        proxy = VariantProxy(server.base_url, VARIANTS).start()
        try:
            yield proxy
        finally:
            proxy.stop()


def test_the_proxy_really_answers_differently(variant_server: VariantProxy) -> None:
    # The legal variants are in force: otherwise the next test would prove nothing.
    login = httpx.post(
        variant_server.auth_url + "/users/loginWithToken",
        json={"apiToken": "ibmqjob-demo-token"},
        headers={"Accept-Encoding": "gzip"},
    )
    assert login.headers["content-encoding"] == "gzip"
    assert login.headers["transfer-encoding"] == "chunked"
    assert login.headers["x-vendor"] == "variant"
    body = json.loads(gzip.decompress(login.read()) if not login.content else login.content)
    assert "x-vendor-extension" in body
    assert str(body["created"]).endswith("+02:00"), body
    direct = httpx.post(
        variant_server.upstream + "/api/users/loginWithToken",
        json={"apiToken": "ibmqjob-demo-token"},
    ).json()
    assert [key for key in body if key in direct] == list(direct)[::-1]
    status = httpx.get(variant_server.auth_url + "/version")
    assert "x-vendor-extension" in status.json()
    me = httpx.get(
        variant_server.auth_url + "/users/me", headers={"X-Access-Token": direct["id"]}
    ).json()
    assert me["urls"]["ws"].startswith(variant_server.ws_base), me["urls"]


def test_legal_variants_pass_the_whole_validator(
    variant_server: VariantProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    code = main(
        [
            "conformance",
            "--url",
            variant_server.auth_url,
            "--token",
            "ibmqjob-demo-token",
            "--other-token",
            "ibmqjob-other-token",
            # The schema checks of the job operations (ids and dates are in their answers).
            "--operations",
            "createJob,getJob,getJobStatus,listJobs,updateJob,cancelJob",
            "--max-examples",
            "3",
            "--phases",
            "fuzzing,stateful",
            "--timeout",
            "30",
            "--report-dir",
            str(reports),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    document = json.loads((reports / "conformance.json").read_text())
    assert document["totals"]["fail"] == 0 and document["totals"]["skip"] == 0, out
    names = {o["name"] for o in document["outcomes"]}
    assert {"circuit_outcomes", "operation_effects", "websocket_frames", "isolation"} <= names
