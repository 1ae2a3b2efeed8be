"""The validator's pure parts: instants, tolerances, evidence and its redaction, reports, CLI."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from conformance.cli import list_checks
from conformance.evidence import ExchangeLog, OperationIndex, Redactor
from conformance.instants import instant, is_rfc3339, spell_with_offset
from conformance.profiles import ALL_PROFILES, parse_profiles
from conformance.report import (
    Outcome,
    RunFacts,
    Verdict,
    exit_code,
    format_failures,
    format_table,
    progress_line,
    write_json,
    write_junit,
)
from conformance.scenarios import SCENARIOS
from conformance.scenarios.base import ScenarioFailure
from conformance.scenarios.outcomes import check_frequency, check_noisy_share
from conformance.specs import load_openapi
from ibmqjob.cli import main


def test_dates_with_any_offset_are_the_same_instant() -> None:
    utc = instant("2026-12-07T16:00:00.123Z")
    assert instant("2026-12-07T18:00:00.123+02:00") == utc
    assert instant("2026-12-07T10:30:00.123-05:30") == utc
    assert instant("2026-12-07t16:00:00.123z") == utc
    assert spell_with_offset(utc, 330) == "2026-12-07T21:30:00.123+05:30"
    assert instant(spell_with_offset(utc, -480)) == utc


@pytest.mark.parametrize(
    "text", ["2026-12-07T16:00:00", "2026-12-07", "yesterday", "2026-13-07T16:00:00Z", 5]
)
def test_what_is_not_rfc3339_is_refused(text: object) -> None:
    assert not is_rfc3339(text)
    with pytest.raises(ValueError, match="date-time"):
        instant(text)


def test_frequencies_are_judged_with_a_binomial_tolerance() -> None:
    check_frequency({"00": 140, "11": 116}, "00", 0.5, "bell")  # 1.5 sigma
    with pytest.raises(ScenarioFailure, match="outcome 00 came 200 times in 256 shots"):
        check_frequency({"00": 200, "11": 56}, "00", 0.5, "bell")  # 9 sigma
    check_noisy_share({"00": 110, "11": 100, "01": 30}, ("00", "11"), "device")
    with pytest.raises(ScenarioFailure, match=r"make 0\.50 of"):
        check_noisy_share({"00": 64, "11": 64, "01": 64, "10": 64}, ("00", "11"), "device")


def test_redactor_hides_tokens_signatures_and_secret_fields() -> None:
    redact = Redactor("api-token-123456", None)
    redact.learn("short")  # too short to be a token: ordinary words stay
    text = redact(
        'X-Access-Token: api-token-123456 ?expires=1&signature=abcdef {"apiToken": "zzz"} short'
    )
    assert "api-token-123456" not in text and "abcdef" not in text and "zzz" not in text
    assert "short" in text and "signature=<redacted>" in text


def test_exchange_log_keeps_evidence_with_operation_and_curl() -> None:
    redactor = Redactor()
    log = ExchangeLog(redactor, OperationIndex(load_openapi(), "http://server/api"))

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("loginWithToken"):
            return httpx.Response(200, json={"id": "access-token-abcdef"})
        return httpx.Response(404, json={"error": {"code": 3250, "message": "no job"}})

    transport = log.transport(httpx.MockTransport(answer))
    with httpx.Client(base_url="http://server/api", transport=transport) as client:
        client.post("/users/loginWithToken", json={"apiToken": "my-api-token-xyz"})
        client.get(
            "/Network/h/Groups/g/Projects/p/Jobs/abc/v/1",
            headers={"X-Access-Token": "access-token-abcdef"},
        )
    shown = log.render()
    assert "GET http://server/api/Network/h/Groups/g/Projects/p/Jobs/abc/v/1 -> HTTP 404" in shown
    assert "spec operation: getJob (GET /Network/{hub}/Groups/{group}/Projects/{project}" in shown
    assert "3250" in shown and "no job" in shown
    assert "reproduce: curl -X GET" in shown
    assert "access-token-abcdef" not in shown and "my-api-token-xyz" not in shown
    log.clear()
    assert log.render() == ""


def _facts(certify: bool = False) -> RunFacts:
    return RunFacts(
        "0.1.0", "ff" * 32, {"api-auth": "0.1"}, "http://s/api", 3, ALL_PROFILES, certify, "t", 2.0
    )


def _outcomes() -> list[Outcome]:
    reason = "first line of a long reason " + "y" * 200 + "\nsecond line"
    return [
        Outcome("scenario", "a", Verdict.PASS, profile="core"),
        Outcome("scenario", "b", Verdict.FAIL, reason, ("getJob",), ("evidence " + "z" * 500,)),
        Outcome("schema", "getJob", Verdict.SKIP, "no request was generated"),
    ]


def test_texts_are_never_cut() -> None:
    outcomes = _outcomes()
    table = format_table(outcomes)
    assert "y" * 200 in table and "second line" in table
    assert "z" * 500 in format_failures(outcomes)
    assert progress_line(2, 3, outcomes[1]).startswith("[2/3] FAIL  scenario b (0.0 s): first")


def test_certified_runs_fail_on_a_skip() -> None:
    passed_and_skipped = [_outcomes()[0], _outcomes()[2]]
    assert exit_code(passed_and_skipped) == 0
    assert exit_code(passed_and_skipped, certify=True) == 1
    assert exit_code(_outcomes()) == 1


def test_reports_carry_totals_and_the_facts_of_the_run(tmp_path: Path) -> None:
    write_junit(_outcomes(), tmp_path / "r.xml", _facts())
    write_json(_outcomes(), tmp_path / "r.json", _facts())
    root = ET.parse(tmp_path / "r.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("3", "1", "1")
    properties = {p.get("name"): p.get("value") for p in root.find("testsuite/properties") or []}
    assert properties["spec_sha256"] == "ff" * 32
    assert properties["server_version"] == '{"api-auth": "0.1"}'
    assert {"tool_version", "url", "seed", "profile", "started", "seconds"} <= set(properties)
    failure = root.find("testsuite/testcase[@name='b']/failure")
    assert failure is not None and "z" * 500 in (failure.text or "")
    document = json.loads((tmp_path / "r.json").read_text())
    assert document["totals"] == {"pass": 1, "fail": 1, "skip": 1}
    assert document["meta"]["seed"] == 3 and document["meta"]["profiles"] == list(ALL_PROFILES)


def test_profiles_parse() -> None:
    assert parse_profiles("full") == ALL_PROFILES
    assert parse_profiles("isolation, core") == ("core", "isolation")
    with pytest.raises(ValueError, match="unknown profiles"):
        parse_profiles("core,fast")
    assert {scenario.profile for scenario in SCENARIOS} == set(ALL_PROFILES)


def test_list_names_every_check_with_its_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conformance", "--list"]) == 0
    listed = capsys.readouterr().out
    assert listed == list_checks() + "\n"
    for scenario in SCENARIOS:
        assert f"scenario {scenario.name}: {scenario.summary}" in listed
    assert "schema deleteJob: DELETE /Network/" in listed
    assert all(f"{profile}: " in listed for profile in ALL_PROFILES)


_SERVER = ["--url", "http://127.0.0.1:9/api", "--token", "t"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--token", "t"], "--url is required"),
        (["--url", "http://127.0.0.1:9/api", "--token", "t", "--certify", "--no-schema"], "drop"),
        (
            ["--url", "http://127.0.0.1:9/api", "--token", "t", "--certify", "--profile", "core"],
            "drop",
        ),
    ],
)
def test_bad_usage_exits_2(
    capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["conformance", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_unknown_profile_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["conformance", "--url", "http://127.0.0.1:9/api", "--profile", "warp"])
    assert exited.value.code == 2
    assert "unknown profiles" in capsys.readouterr().err


def test_instants_module_uses_aware_times() -> None:
    assert instant("2026-01-01T00:00:00Z").tzinfo == dt.UTC
