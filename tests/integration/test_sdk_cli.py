"""The ``ibmqjob`` job commands end to end, in this process and as a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import qiskit

from ibmqjob.cli import main
from refserver.runner import ServerThread

COUNT_LINE = re.compile(r"^  ([01]+): (\d+)$", re.MULTILINE)
JOB_ID = re.compile(r"Submitted job ([0-9a-f]{24}) to ")


def _counts(text: str) -> dict[str, int]:
    return {bits: int(count) for bits, count in COUNT_LINE.findall(text)}


@pytest.fixture
def server_env(reference_server: ServerThread, monkeypatch: pytest.MonkeyPatch) -> ServerThread:
    """The shared server given through the environment, as a user would."""
    assert reference_server.demo_token is not None
    monkeypatch.setenv("IBMQJOB_URL", reference_server.auth_url)
    monkeypatch.setenv("IBMQJOB_TOKEN", reference_server.demo_token)
    return reference_server


def test_run_prints_real_reproducible_counts(
    reference_server: ServerThread, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reference_server.demo_token is not None
    args = ["run", "--url", reference_server.auth_url, "--token", reference_server.demo_token]
    args += ["--shots", "500", "--seed", "5", "--name", "cli-bell", "--tag", "cli"]

    assert main(args) == 0
    first = capsys.readouterr()
    assert main(args) == 0
    second = capsys.readouterr()

    counts = _counts(first.out)
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 500
    assert _counts(second.out) == counts
    assert "Job " in first.out and ": DONE" in first.out
    assert reference_server.demo_token not in first.out + first.err


def test_status_result_cancel_and_jobs(
    server_env: ServerThread, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--shots", "100", "--seed", "1", "--tag", "cli-listed"]) == 0
    out = capsys.readouterr().out
    match = JOB_ID.search(out)
    assert match is not None
    job_id = match[1]

    assert main(["status", job_id]) == 0
    assert capsys.readouterr().out.strip() == f"Job {job_id}: DONE"
    assert main(["result", job_id]) == 0
    assert _counts(capsys.readouterr().out) == _counts(out)
    assert main(["cancel", job_id]) == 1
    assert "already DONE" in capsys.readouterr().out
    assert main(["jobs", "--tag", "cli-listed", "--status", "done", "--limit", "5"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == [
        "JOB",
        "ID",
        "CREATED",
        "STATUS",
        "BACKEND",
        "NAME",
        "TAGS",
    ]
    assert job_id in table


def test_usage_and_server_errors(
    server_env: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.qasm"
    bad.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nfoo q[0];\n')

    assert main(["run", str(tmp_path / "missing.qasm")]) == 2
    assert "no such circuit file" in capsys.readouterr().err
    assert main(["run", str(bad)]) == 2
    assert "is not a valid OpenQASM 2 program" in capsys.readouterr().err
    assert main(["run", "--backend", "nope"]) == 2
    assert "no backend named 'nope'" in capsys.readouterr().err
    assert main(["jobs", "--status", "finished"]) == 2
    assert "not a valid status value" in capsys.readouterr().err
    assert main(["status", "f" * 24]) == 4
    err = capsys.readouterr().err
    assert f"no such job: {'f' * 24}" in err and "Error code: 3250" in err
    assert main(["jobs", "--name", "bell("]) == 2  # refused before asking the server
    assert "--name: 'bell(' is not a valid regular expression" in capsys.readouterr().err
    assert main(["jobs", "--name", "(?<=a)b"]) == 2  # Python's syntax, not the server's (RE2)
    assert "ibmqjob jobs: error: Failed to get the jobs" in capsys.readouterr().err
    assert main(["status", "f" * 24, "--url", server_env.auth_url]) == 2
    assert "--url and --token go together" in capsys.readouterr().err


def test_a_failed_job_exits_with_1_and_says_why(
    server_env: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 26 entangled qubits with T gates amid them (no transpiler pass removes them, and no
    # Clifford-only method applies): the statevector exceeds the simulator's memory budget.
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', "qreg q[26];", "creg c[26];"]
    lines += ["h q;", "t q;", "h q;"] + [f"cx q[{i}], q[{i + 1}];" for i in range(25)]
    lines += ["measure q -> c;"]
    circuit = tmp_path / "too_big.qasm"
    circuit.write_text("\n".join(lines) + "\n")
    wide = tmp_path / "wide.qasm"
    wide.write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[40];\ncreg c[40];\nmeasure q -> c;\n'
    )

    assert main(["run", str(circuit), "--shots", "10"]) == 1
    captured = capsys.readouterr()
    assert ": ERROR" in captured.out and "Counts" not in captured.out
    assert "The following experiments failed:" in captured.err
    if qiskit.__version__.startswith("0."):
        assert main(["run", str(wide)]) == 1
        assert "Error code: 1109." in capsys.readouterr().err  # more qubits than the backend
    else:  # the simulator's Target tells the transpiler before anything is sent
        assert main(["run", str(wide)]) == 2
        assert "cannot run on ibmq_qasm_simulator" in capsys.readouterr().err
    assert main(["run", str(wide), "--backend", "ibmq_lima"]) == 2  # the transpiler says so
    assert "cannot run on ibmq_lima" in capsys.readouterr().err


def test_commands_other_than_run_need_a_server(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("IBMQJOB_TOKEN", "IBMQJOB_URL", "QE_TOKEN", "QE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["status", "f" * 24]) == 2
    assert "no server" in capsys.readouterr().err


def test_run_without_the_server_extra_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("IBMQJOB_TOKEN", "IBMQJOB_URL", "QE_TOKEN", "QE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(sys.modules, "refserver.runner", None)  # as if uvicorn were missing

    assert main(["run"]) == 3
    captured = capsys.readouterr()
    assert "'server' extra is not installed" in captured.err
    assert "pip install 'ibmqjob[server]'" in captured.err
    assert "Counts" not in captured.out


def test_run_as_a_subprocess_with_the_embedded_server() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IBMQJOB_", "QE_"))}
    command = [sys.executable, "-m", "ibmqjob.cli", "run", "--shots", "300", "--seed", "9"]

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)

    assert done.returncode == 0, done.stderr
    assert "started the embedded reference server at http://127.0.0.1:" in done.stderr
    counts = _counts(done.stdout)
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 300


def test_run_a_circuit_whose_gates_the_transpiler_merges(
    server_env: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    circuit = tmp_path / "ht.qasm"
    circuit.write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nh q[0];\nt q[0];\n'
        "measure q -> c;\n"
    )

    assert main(["run", str(circuit), "--shots", "200", "--seed", "2"]) == 0
    counts = _counts(capsys.readouterr().out)
    assert set(counts) == {"0", "1"} and sum(counts.values()) == 200


def test_json_output_of_status_result_and_jobs(
    server_env: ServerThread, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--shots", "64", "--seed", "4", "--name", "cli-json", "--tag", "js"]) == 0
    match = JOB_ID.search(capsys.readouterr().out)
    assert match is not None
    job_id = match[1]

    assert main(["status", job_id, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["job_id"] == job_id and status["status"] == "DONE"
    assert status["name"] == "cli-json" and status["tags"] == ["js"]
    assert status["backend"] == "ibmq_qasm_simulator" and status["queue_position"] is None

    assert main(["result", job_id, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    ((experiment,),) = [result["experiments"]]
    assert result["success"] is True and experiment["shots"] == 64
    assert set(experiment["counts"]) <= {"00", "11"} and sum(experiment["counts"].values()) == 64

    assert main(["jobs", "--json", "--tag", "js", "--limit", "3"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [job["job_id"] for job in listed] == [job_id]
    assert {key: listed[0][key] for key in status} == status


def test_run_several_circuits_as_a_job_set_with_progress(
    reference_server: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reference_server.demo_token is not None
    ones = tmp_path / "ones.qasm"
    ones.write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nx q;\nmeasure q -> c;\n'
    )
    args = ["run", str(ones), "--url", reference_server.auth_url]
    args += ["--token", reference_server.demo_token, "--shots", "40", "--seed", "2"]
    args += ["--repeat", "3", "--max-experiments-per-job", "2", "--name", "cli-set"]

    assert main(args) == 0
    out = capsys.readouterr().out

    assert re.search(r"Submitting job set \S+: 3 circuits in 2 jobs to ibmq_qasm_simulator", out)
    assert "Jobs done: 1/2" in out and "Jobs done: 2/2" in out
    for index in range(3):
        assert f"Counts of ones-{index}:\n  11: 40\n" in out
