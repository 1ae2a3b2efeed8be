"""The original client, qiskit-ibmq-provider 0.20.2, against the reference server.

One server (no step delay) and one run of the legacy driver serve the whole module; each test
judges one scenario's observations. A failing scenario shows what the original client did:
the exception, its traceback and the HTTP exchanges that had an error status.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import legacy_checks as checks
import pytest

from refserver.runner import ServerThread

pytestmark = pytest.mark.legacy

SCENARIOS = (
    "account",
    "bad_login",
    "bell",
    "retrieve",
    "isolation",
    "update",
    "properties",
    "validation_error",
    "partial",
    "listing",
)
SHOTS = 1024
LISTED = 25


@pytest.fixture(scope="module")
def run(legacy_runner: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Start a server, run every scenario of this module once, and stop the server."""
    data_dir: Path = tmp_path_factory.mktemp("legacy-client")
    # No job limit: the listing scenario submits 25 jobs back to back.
    with ServerThread(data_dir=data_dir, step_delay=0.0, job_limit=-1) as server:
        report = legacy_runner(
            server,
            SCENARIOS,
            params={"other_token": server.other_token, "shots": SHOTS, "listing_jobs": LISTED},
        )
        report.server_urls = {"auth": server.auth_url, "base": server.base_url}
        return report


def test_enable_account_discovers_providers_and_urls(run: Any) -> None:
    obs = run.observations("account")
    assert obs["active_account_url"] == run.server_urls["auth"]
    assert ["ibm-q", "open", "main"] in obs["providers"]
    assert ["ibm-q", "open", "secondary"] in obs["providers"]
    assert obs["default_provider"] == ["ibm-q", "open", "main"]
    assert obs["api_url"].rstrip("/") == run.server_urls["auth"].rstrip("/")
    assert obs["websockets_url"].startswith("ws://127.0.0.1:")
    # The client swallows a provider that fails to build, leaving only a warning behind.
    warnings = [r for r in run.data["account"]["logs"] if r["level"] != "INFO"]
    assert not warnings, warnings


def test_provider_backends_lists_a_simulator_and_a_device(run: Any) -> None:
    obs = run.observations("account")
    backends = {b["name"]: b for b in obs["backends"]}
    assert len(backends) == len(obs["backends"]), "backend names repeat"
    assert backends[obs["simulator"]]["simulator"] is True
    assert backends[obs["simulator"]]["class"] == "IBMQSimulator"
    assert backends[obs["device"]]["simulator"] is False
    assert backends[obs["device"]]["class"] == "IBMQBackend"
    for backend in obs["backends"]:
        assert backend["n_qubits"] >= 2, backend
        assert backend["status"]["operational"] is True, backend
        assert backend["status"]["pending_jobs"] >= 0, backend
    assert obs["simulator_only"] == [b["name"] for b in obs["backends"] if b["simulator"]]
    assert sorted(obs["operational_backends"]) == sorted(backends)


def test_wrong_token_and_wrong_url_are_rejected(run: Any) -> None:
    obs = run.observations("bad_login")
    assert "401" in checks.raised(obs["wrong_token"], "IBMQError")
    assert "not-a-valid-token" not in obs["wrong_token"]["message"]
    checks.raised(obs["wrong_url"], "IBMQError")


def test_bell_circuit_counts(run: Any) -> None:
    simulator = run.observations("account")["simulator"]
    checks.bell_counts(run.observations("bell"), SHOTS, simulator)


def test_bell_seed_simulator_is_honoured(run: Any) -> None:
    obs = run.observations("bell")
    assert obs["same_seed_counts"] == obs["result"]["counts"]
    assert obs["other_seed_counts"] != obs["result"]["counts"]
    assert sum(obs["other_seed_counts"].values()) == SHOTS


def test_status_goes_through_known_states_to_done(run: Any) -> None:
    obs = run.observations("bell")
    assert obs["submitted"]["status"] in {"INITIALIZING", "VALIDATING", "QUEUED", "RUNNING", "DONE"}
    assert obs["statuses_polled"][-1] == "DONE"
    order = ["INITIALIZING", "VALIDATING", "QUEUED", "RUNNING", "DONE"]
    positions = [order.index(s) for s in obs["statuses_polled"]]
    assert positions == sorted(positions), obs["statuses_polled"]
    assert obs["status"] == "DONE"
    assert obs["done"] is True
    assert obs["queue_position_final"] is None
    assert obs["error_message"] is None
    assert "COMPLETED" in obs["time_per_step"], obs["time_per_step"]


def test_result_waits_on_the_status_websocket(run: Any) -> None:
    fallbacks = [r for r in run.logs("bell") if "retrying using HTTP" in r["message"]]
    assert not fallbacks, fallbacks


def test_retrieve_job_by_provider_and_backend(run: Any) -> None:
    obs = run.observations("retrieve")
    original = obs["original"]
    assert original["status"] == "DONE"
    assert "retrieve-extra" in original["tags"]
    for retrieved in (obs["by_provider"], obs["by_backend"]):
        assert retrieved == original
    assert obs["by_provider_counts"] == obs["original_counts"]
    assert obs["downloaded_circuits"] == ["bell"]
    assert obs["backend_options"]["shots"] == SHOTS
    assert "COMPLETED" in obs["time_per_step"]


def test_retrieve_unknown_or_foreign_job_fails(run: Any) -> None:
    obs = run.observations("retrieve")
    assert "3250" in checks.raised(obs["unknown_id"], "IBMQBackendApiError")
    assert "does not belong to backend" in checks.raised(obs["wrong_backend"], "IBMQBackendError")
    assert "3250" in checks.raised(obs["other_project"], "IBMQBackendApiError")


def test_other_users_jobs_are_invisible(run: Any) -> None:
    checks.isolation(run.observations("isolation"))


def test_update_name(run: Any) -> None:
    obs = run.observations("update")
    new_name = obs["reread"]["name"]
    assert new_name.endswith("-update-renamed")
    assert obs["update_name"] == new_name
    assert obs["update_name_empty"] == {"raised": False, "value": ""}
    assert obs["update_name_back"] == new_name
    assert obs["listed_by_new_name"] == [obs["reread"]["id"]]


def test_update_tags_replace_add_remove(run: Any) -> None:
    checks.update_tags(run.observations("update"))


def test_job_properties_on_the_device(run: Any) -> None:
    obs = run.observations("properties")
    device = run.observations("account")["device"]
    n_qubits = {b["name"]: b["n_qubits"] for b in run.observations("account")["backends"]}[device]
    assert obs["status"] == "DONE"
    assert sum(obs["counts"].values()) == 256
    backend_props, job_props = obs["backend_properties"], obs["job_properties"]
    assert backend_props is not None and job_props is not None
    assert job_props["backend_name"] == backend_props["backend_name"] == device
    assert job_props["n_qubits"] == backend_props["n_qubits"] == n_qubits
    assert job_props["last_update_date"] is not None
    assert job_props["t1_q0"] > 0
    assert 0 <= job_props["readout_error_q0"] < 1


def test_validation_error_message(run: Any) -> None:
    obs = run.observations("validation_error")
    assert obs["status"] == "ERROR"
    assert obs["statuses_polled"][-1] == "ERROR"
    message = obs["error_message"]
    assert re.search(r"Error code: [0-9]{4}\.$", message), message
    assert message.count("Error code") == 1, message
    assert "Unknown" not in message
    for outcome in (obs["result"], obs["result_partial"]):
        failure = checks.raised(outcome, "IBMQJobFailureError")
        assert re.search(r"Error code: [0-9]{4}\.$", failure), failure
    assert obs["retrieved_status"] == "ERROR"
    assert obs["retrieved_error_message"] == message
    assert obs["listed_as_error"] == [obs["job_id"]]


def test_partial_result(run: Any) -> None:
    obs = run.observations("partial")
    assert obs["status"] == "ERROR"
    checks.raised(obs["result"], "IBMQJobFailureError")
    assert obs["partial_success"] is False
    successes = [e["success"] for e in obs["experiments"]]
    assert True in successes and False in successes, obs["experiments"]
    assert not obs["good_counts"]["raised"], obs["good_counts"]
    assert sum(obs["good_counts"]["value"].values()) == SHOTS
    checks.raised(obs["bad_counts"], "QiskitError")
    assert obs["error_message"].startswith("The following experiments failed:")


def test_listing_pages_without_repeats_or_gaps(run: Any) -> None:
    checks.listing_pages(run.observations("listing"), LISTED)


def test_listing_by_status(run: Any) -> None:
    obs = run.observations("listing")
    newest_first = list(range(LISTED - 1, -1, -1))
    assert obs["status_done"] == newest_first
    assert obs["status_list"] == newest_first
    assert obs["status_error"] == []
    assert obs["status_active"] == []
    assert "NOT_A_STATUS" in checks.raised(obs["status_unknown"], "IBMQBackendValueError")


def test_listing_by_name_regex(run: Any) -> None:
    obs = run.observations("listing")
    assert obs["name_regex"] == [4, 3, 2, 1, 0]
    assert obs["name_partial"] == list(range(19, 9, -1))
    assert obs["name_none"] == []


def test_listing_by_tags_or_and(run: Any) -> None:
    obs = run.observations("listing")
    newest_first = list(range(LISTED - 1, -1, -1))
    assert obs["tags_or"] == [i for i in newest_first if i % 2 == 0 or i % 3 == 0]
    assert obs["tags_and"] == [i for i in newest_first if i % 6 == 0]
    assert obs["tags_and_all"] == newest_first
    checks.raised(obs["tags_bad_operator"], "IBMQBackendValueError")


def test_listing_by_creation_date(run: Any) -> None:
    obs = run.observations("listing")
    newest_first = list(range(LISTED - 1, -1, -1))
    assert obs["dates_between"] == list(range(14, 4, -1))
    assert obs["dates_start"] == [i for i in newest_first if i >= 2]
    assert obs["dates_end"] == [4, 3, 2, 1, 0]
    assert obs["dates_start_ascending"] == list(range(10, LISTED))
    assert obs["db_filter_neq_id"] == newest_first[:-1]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_server_error_status(run: Any, scenario: str) -> None:
    failures = run.http_failures(scenario)
    server_errors = [f for f in failures if f["status"] is None or f["status"] >= 500]
    assert not server_errors, server_errors
    for failure in failures:
        assert failure["response_body"].startswith('{"error":'), failure
