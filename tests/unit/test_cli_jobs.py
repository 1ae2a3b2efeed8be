"""The job commands of ``ibmqjob`` (run, status, result, cancel, jobs) over a fake service.

The live-server versions of these commands are in ``tests/integration/test_sdk_cli.py``;
here every outcome and exit code is driven by a scripted ``ProjectApi``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fake_job_api import FakeClock, FakeProjectApi, configuration, result_document

from ibmqjob._api.records import JobRecord, ProjectRef
from ibmqjob.cli import jobs, main
from ibmqjob.exceptions import IBMQAccountError
from ibmqjob.provider import AccountProvider
from ibmqjob.settings import TimeSource

SERVER = ["--url", "http://127.0.0.1:9/api", "--token", "t"]


class FakeFactory:
    """Stands for ``IBMQFactory``: hands out the provider of the fake service."""

    def __init__(self, service: FakeProjectApi, log: list[Any]) -> None:
        self._service = service
        self._log = log

    def enable_account(self, token: str, url: str, *hgp: str | None) -> AccountProvider:
        self._log.append(("enable", token, url, hgp))
        if isinstance(self._service.backends_error, IBMQAccountError):
            raise self._service.backends_error
        return AccountProvider(ProjectRef("h", "g", "p"), self._service)

    def disable_account(self) -> None:
        self._log.append(("disable",))


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> FakeProjectApi:
    for name in ("IBMQJOB_URL", "IBMQJOB_TOKEN", "QE_URL", "QE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeProjectApi([configuration("ibmq_qasm_simulator")])
    clock = FakeClock()
    fake.time = TimeSource(sleep=clock.sleep, clock=clock)
    return fake


@pytest.fixture
def log(service: FakeProjectApi, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    monkeypatch.setattr(jobs, "IBMQFactory", lambda: FakeFactory(service, calls))
    return calls


def test_run_submits_the_bell_circuit_and_prints_counts(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--shots", "100", "--seed", "3", "--tag", "x", "--name", "n", *SERVER])
    out = capsys.readouterr().out
    assert code == 0
    assert out.endswith("Counts:\n  0: 500\n  11: 524\n")  # the scripted result
    ((backend, qobj),) = service.submitted
    assert backend == "ibmq_qasm_simulator" and qobj["config"]["shots"] == 100
    assert log[0][:3] == ("enable", "t", "http://127.0.0.1:9/api") and log[-1] == ("disable",)


def test_run_on_an_unknown_backend_is_a_usage_error(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--backend", "nope", *SERVER]) == 2
    assert "no backend named 'nope'; available: ibmq_qasm_simulator" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such circuit file"),
        ("not qasm at all", "is not a valid OpenQASM 2 program"),
        ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0];\n', "measures nothing"),
    ],
)
def test_bad_circuit_files_are_usage_errors_before_connecting(
    tmp_path: Path,
    log: list[Any],
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    path = tmp_path / "circuit.qasm"
    if content is not None:
        path.write_text(content)
    assert main(["run", str(path), *SERVER]) == 2
    assert message in capsys.readouterr().err
    assert log == []  # nothing was started or connected


def test_status_prints_the_status_and_queue_position(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from fake_job_api import queue_info

    job_id = service.add([("QUEUED", queue_info(4)), ("QUEUED", queue_info(4))])
    assert main(["status", job_id, *SERVER]) == 0
    assert capsys.readouterr().out == f"Job {job_id}: QUEUED (queue position 4)\n"


def test_result_waits_and_prints_counts(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = service.add(["RUNNING", "COMPLETED"])
    service.jobs[job_id].result = result_document(job_id, [True])
    assert main(["result", job_id, *SERVER]) == 0
    assert capsys.readouterr().out.endswith("Counts:\n  0: 500\n  11: 524\n")


@pytest.mark.parametrize(
    ("script", "timeout", "message"),
    [
        (["RUNNING", "ERROR_RUNNING_JOB"], None, "ERROR"),
        (["RUNNING", "CANCELLED"], None, "CANCELLED"),
        (["RUNNING"], "30", "did not finish within 30.0 s"),
    ],
)
def test_result_of_a_job_that_does_not_finish_well_exits_1(
    service: FakeProjectApi,
    log: list[Any],
    capsys: pytest.CaptureFixture[str],
    script: list[str],
    timeout: str | None,
    message: str,
) -> None:
    job_id = service.add(script, error={"message": "Bad", "code": 1})
    args = ["result", job_id, *SERVER] + (["--timeout", timeout] if timeout else [])
    assert main(args) == 1
    assert message in capsys.readouterr().err


def test_cancel_outcomes(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    queued = service.add(["QUEUED", "QUEUED"])
    assert main(["cancel", queued, *SERVER]) == 0
    assert f"Job {queued} cancelled." in capsys.readouterr().out
    done = service.add(["COMPLETED"])
    assert main(["cancel", done, *SERVER]) == 1
    assert "already DONE: nothing to cancel" in capsys.readouterr().out
    stuck = service.add(["RUNNING", "RUNNING"], cancellable=False)
    assert main(["cancel", stuck, *SERVER]) == 1
    assert "was not cancelled" in capsys.readouterr().out


def test_jobs_lists_with_the_filters(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    created = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    service.pages = [[JobRecord("a" * 24, created, "COMPLETED", name="bell")]]
    args = ["jobs", "--limit", "3", "--status", "done", "--tag", "t", "--name", "b", *SERVER]
    assert main(args) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["JOB", "ID", "CREATED", "STATUS", "BACKEND", "NAME", "TAGS"]
    assert row.startswith("a" * 24) and "DONE" in row and row.endswith("bell")
    where = service.filters[0]["where"]
    assert where["status"] == "COMPLETED" and where["tags"] == {"inq": ["t"]}


def test_a_bad_status_filter_is_a_usage_error(
    log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "--status", "finished", *SERVER]) == 2
    assert "ibmqjob jobs: error:" in capsys.readouterr().err


def test_server_errors_exit_3(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "f" * 24, *SERVER]) == 3
    assert f"Failed to get job {'f' * 24}" in capsys.readouterr().err
    service.backends_error = IBMQAccountError("login refused")
    assert main(["status", "f" * 24, *SERVER]) == 3


def test_server_options_go_together(log: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "f" * 24, "--url", "http://127.0.0.1:9/api"]) == 2
    assert "--url and --token go together" in capsys.readouterr().err
    assert main(["status", "f" * 24]) == 2
    assert "no server" in capsys.readouterr().err


def test_interrupt_exits_130(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    service.fail("job_get", KeyboardInterrupt())  # type: ignore[arg-type]
    assert main(["status", "f" * 24, *SERVER]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_run_without_a_server_needs_the_server_extra(
    log: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "refserver.runner", None)  # as if not installed
    assert main(["run"]) == 3
    assert "the 'server' extra is not installed" in capsys.readouterr().err
