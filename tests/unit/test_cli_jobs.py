"""The job commands of ``ibmqjob`` (run, status, result, cancel, jobs) over a fake service.

The live-server versions of these commands are in ``tests/integration/test_sdk_cli.py``;
here every outcome and exit code is driven by a scripted ``ProjectApi``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

import ibmqjob.cli as cli
from ibmqjob._api.records import JobRecord, ProjectRef
from ibmqjob.cli import jobs, main
from ibmqjob.cli.exits import EXIT_CODES
from ibmqjob.exceptions import IBMQAccountError, RequestsApiError
from ibmqjob.provider import AccountProvider
from ibmqjob.settings import TimeSource
from tests.unit.fake_job_api import FakeClock, FakeProjectApi, configuration, result_document

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
    assert main(["jobs", "--backend", "nope", *SERVER]) == 2
    assert "no backend named 'nope'; available: ibmq_qasm_simulator" in capsys.readouterr().err
    assert service.filters == []  # no listing was asked for


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such circuit file"),
        ("not qasm at all", "is not a valid OpenQASM 2 program"),
        ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0];\n', "measures nothing"),
        # A classical register alone is not a measurement.
        (
            'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nh q[0];\n',
            "measures nothing",
        ),
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
    from tests.unit.fake_job_api import queue_info

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


@pytest.mark.parametrize("command", ["status", "result", "cancel"])
def test_an_unknown_job_exits_4_no_such_job(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert main([command, "f" * 24, *SERVER]) == 4
    err = capsys.readouterr().err
    assert err.startswith(f"ibmqjob {command}: error: no such job: {'f' * 24} (")
    assert "Error code: 3250" in err


def test_server_errors_exit_3(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    service.fail("job_get", RequestsApiError("500 Server Error", 500))
    assert main(["status", "f" * 24, *SERVER]) == 3
    assert f"Failed to get job {'f' * 24}: 500 Server Error" in capsys.readouterr().err
    service.backends_error = IBMQAccountError("login refused")
    assert main(["status", "f" * 24, *SERVER]) == 3


def test_a_listing_filter_the_server_refuses_is_bad_usage(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    service.jobs_error = RequestsApiError("400 Client Error: bad regexp", 400)
    assert main(["jobs", "--name", "(?<=a)b", *SERVER]) == 2
    assert "bad regexp" in capsys.readouterr().err


def test_a_bad_name_pattern_is_refused_before_connecting(
    log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "--name", "bell(", *SERVER]) == 2
    err = capsys.readouterr().err
    assert (
        "ibmqjob jobs: error: --name: 'bell(' is not a valid regular expression: missing )" in err
    )
    assert log == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--shots", "abc"], "argument --shots: 'abc' is not a positive integer"),
        (["run", "--shots", "0"], "argument --shots: '0' is not a positive integer"),
        (["jobs", "--limit", "-3"], "argument --limit: '-3' is not a positive integer"),
        (["run", "--seed", "x"], "argument --seed: 'x' is not a non-negative integer"),
        (["result", "j", "--timeout", "soon"], "'soon' is not a positive number of seconds"),
        (["result", "j", "--timeout", "nan"], "'nan' is not a positive number of seconds"),
    ],
)
def test_bad_numbers_say_which_option_and_why(
    log: list[Any], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "invalid" not in err and "_positive" not in err
    assert log == []


def test_status_json(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.fake_job_api import queue_info

    job_id = service.add([("QUEUED", queue_info(4)), ("QUEUED", queue_info(4))])
    assert main(["status", job_id, "--json", *SERVER]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "job_id": job_id,
        "status": "QUEUED",
        "queue_position": 4,
        "backend": "ibmq_qasm_simulator",
        "name": None,
        "tags": [],
        "creation_date": document["creation_date"],
    }
    assert dt.datetime.fromisoformat(document["creation_date"]).tzinfo is not None


def test_result_json(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = service.add(["RUNNING", "COMPLETED"])
    service.jobs[job_id].result = result_document(job_id, [True])
    assert main(["result", job_id, "--json", *SERVER]) == 0
    document = json.loads(capsys.readouterr().out)  # nothing else on stdout: no progress
    assert document["status"] == "DONE" and document["success"] is True
    assert document["error"] is None
    assert [e["counts"] for e in document["experiments"]] == [{"0": 500, "11": 524}]


@pytest.mark.parametrize(
    ("script", "timeout", "error"),
    [
        (["RUNNING", "ERROR_RUNNING_JOB"], None, "Bad"),
        (["RUNNING", "CANCELLED"], None, "job has been cancelled"),
        (["RUNNING"], "30", "did not finish within 30.0 s"),
    ],
)
def test_result_json_of_a_job_that_does_not_finish_well(
    service: FakeProjectApi,
    log: list[Any],
    capsys: pytest.CaptureFixture[str],
    script: list[str],
    timeout: str | None,
    error: str,
) -> None:
    job_id = service.add(script, error={"message": "Bad", "code": 1})
    args = ["result", job_id, "--json", *SERVER] + (["--timeout", timeout] if timeout else [])
    assert main(args) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["success"] is False and document["experiments"] == []
    assert error in document["error"]


def test_jobs_json(
    service: FakeProjectApi, log: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    created = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    service.pages = [[JobRecord("a" * 24, created, "COMPLETED", name="bell", tags=("t",))]]
    assert main(["jobs", "--json", *SERVER]) == 0
    (document,) = json.loads(capsys.readouterr().out)
    assert document["job_id"] == "a" * 24 and document["status"] == "DONE"
    assert document["name"] == "bell" and document["tags"] == ["t"]
    assert document["queue_position"] is None
    assert dt.datetime.fromisoformat(document["creation_date"]) == created


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert re.fullmatch(
        r"ibmqjob 0\.1\.0 \(qiskit [0-9.]+, Python 3\.[0-9.]+\)\n", capsys.readouterr().out
    )


def test_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for code, meaning in EXIT_CODES.items():
        assert f"  {code:<4} {meaning[:30]}" in out


def test_readme_documents_every_exit_code() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = dict(re.findall(r"^\| `(\d+)` \| (.+) \|$", readme, flags=re.MULTILINE))
    assert {int(code) for code in rows} == set(EXIT_CODES)
    for code, meaning in EXIT_CODES.items():
        assert rows[str(code)] == meaning


def test_an_interrupt_while_loading_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert main(["jobs"]) == 130
    assert capsys.readouterr().err == "ibmqjob: interrupted\n"


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
