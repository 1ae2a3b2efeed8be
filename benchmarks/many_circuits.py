"""Many circuits: 1,000 circuits through the job manager, ours against the original's.

Both clients run the same workload in fresh processes against the same reference server
(``python -m refserver`` in a child process, no delays): build ``--circuits`` distinct small
circuits, transpile them (outside the timed region), then time

1. ``IBMQJobManager().run(circuits, backend, name=..., shots=...)`` (splitting into jobs of
   the backend's ``max_experiments`` and submitting them),
2. ``job_set.results()`` (every job's result, combined), and
3. ``get_counts(i)`` of every experiment,

as one wall time, and the client process's CPU time over the same region. Rounds alternate
which client goes first; the figure is the median of the per-round ratios ours/original.

Usage::

    .venv/bin/python -m benchmarks.many_circuits --rounds 5 [--circuits 1000] [--shots 64]

This file is also the client script: ``python benchmarks/many_circuits.py client --client
original ...`` runs under ``.venv-legacy`` and then imports nothing from the project.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = {
    "ours": ROOT / ".venv" / "bin" / "python",
    "original": ROOT / ".venv-legacy" / "bin" / "python",
}
BACKEND = "ibmq_qasm_simulator"
TOKEN = "ibmqjob-demo-token"


# ------------------------------------------------------------------ the client (either venv)


def build_circuits(count: int) -> list[Any]:
    """``count`` distinct, named, measured circuits of 2 to 4 qubits."""
    from qiskit import QuantumCircuit

    circuits = []
    for index in range(count):
        qubits = 2 + index % 3
        circuit = QuantumCircuit(qubits, qubits, name=f"many-{index}")
        circuit.h(0)
        for qubit in range(1, qubits):
            circuit.cx(0, qubit)
        circuit.rz(0.001 * index, 0)
        circuit.measure(range(qubits), range(qubits))
        circuits.append(circuit)
    return circuits


def load_manager(client: str) -> tuple[Any, Any]:
    """The ``IBMQ`` factory and the ``IBMQJobManager`` class of the named client."""
    if client == "ours":
        import ibmqjob
        import ibmqjob.managed

        return ibmqjob.IBMQ, ibmqjob.managed.IBMQJobManager
    # The original client, in its own environment (.venv-legacy).
    import qiskit
    import qiskit.providers.ibmq.managed

    return qiskit.IBMQ, qiskit.providers.ibmq.managed.IBMQJobManager


def client_main(args: argparse.Namespace) -> int:
    """Run the workload once with one client; print one JSON line."""
    import warnings

    warnings.filterwarnings("ignore")  # both clients and terra announce deprecations
    from qiskit import transpile

    ibmq, manager_class = load_manager(args.client)
    provider = ibmq.enable_account(TOKEN, url=args.url)
    backend = provider.get_backend(BACKEND)
    circuits = transpile(build_circuits(args.circuits), backend=backend, seed_transpiler=7)
    # Warm-up: connections, caches and lazy imports of the submit and result paths.
    warm = manager_class().run(circuits[:2], backend=backend, name="warm", shots=args.shots)
    warm.results().get_counts(0)

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    manager = manager_class()
    job_set = manager.run(
        circuits,
        backend=backend,
        name=f"many-{args.client}",
        max_experiments_per_job=args.per_job,
        shots=args.shots,
    )
    submitted = time.perf_counter()
    results = job_set.results()
    collected = time.perf_counter()
    total_shots = sum(sum(results.get_counts(i).values()) for i in range(len(circuits)))
    finished = time.perf_counter()
    cpu = _cpu_seconds() - cpu_before
    if total_shots != args.shots * len(circuits) or not results.success:
        print(f"wrong results: {total_shots} shots, success={results.success}", file=sys.stderr)
        return 1
    report = {
        "client": args.client,
        "circuits": len(circuits),
        "jobs": len(job_set.jobs()),
        "wall_s": finished - started,
        "run_s": submitted - started,
        "results_s": collected - submitted,
        "counts_s": finished - collected,
        "cpu_s": cpu,
    }
    print(json.dumps(report))
    return 0


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------ the harness (.venv)


def run_client(
    client: str, url: str, circuits: int, shots: int, per_job: int | None, timeout: float
) -> dict[str, Any]:
    """One workload run by one client in a fresh process; its JSON report."""
    command = [str(PYTHONS[client]), str(Path(__file__).resolve()), "client"]
    command += ["--client", client, "--url", url]
    command += ["--circuits", str(circuits), "--shots", str(shots)]
    if per_job is not None:
        command += ["--per-job", str(per_job)]
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    if client == "ours":
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "generated")])
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{client} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def load_average() -> float:
    """The one-minute load average of the machine."""
    return os.getloadavg()[0]


def many_circuits(
    rounds: int = 5,
    circuits: int = 1000,
    shots: int = 64,
    per_job: int | None = None,
    timeout: float = 900,
) -> dict[str, Any]:
    """Time ``circuits`` circuits through both job managers, ``rounds`` alternating rounds.

    Args:
        rounds: Rounds; each runs both clients once, in alternating order.
        circuits: Circuits per run.
        shots: Shots per circuit.
        per_job: ``max_experiments_per_job`` of both clients (``None``: the backend's
            ``max_experiments``, 300 on the reference simulator).
        timeout: Seconds before one client run is abandoned.

    Returns:
        ``ratio`` (median of the per-round wall-time ratios ours/original), ``cpu_ratio``
        (the same for client CPU time), ``goal_met`` (ratio <= 0.5; ``None`` when the load
        was above one per core), the server's CPU seconds per client run (the work no client
        can avoid), every run's report under ``runs``, and the load average before and after.
    """
    if rounds < 1 or circuits < 1 or shots < 1:
        raise ValueError("rounds, circuits and shots must be positive")
    load_before = load_average()
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "original": []}
    from benchmarks.processes import RefServer  # the harness only: clients import nothing

    with RefServer() as server:
        for index in range(rounds):
            order = ("original", "ours") if index % 2 == 0 else ("ours", "original")
            for client in order:
                cpu_before = server.cpu_seconds()
                report = run_client(client, server.url, circuits, shots, per_job, timeout)
                # The whole client process (import, login, transpile, warm-up, the timed
                # region): an upper bound of the server's work for one run.
                report["server_cpu_s"] = server.cpu_seconds() - cpu_before
                runs[client].append(report)
                print(
                    f"round {index + 1}/{rounds} {client}: {report['wall_s']:.2f} s"
                    f" ({report['jobs']} jobs)",
                    file=sys.stderr,
                )
    load_after = load_average()
    ratios = [
        o["wall_s"] / g["wall_s"] for o, g in zip(runs["ours"], runs["original"], strict=True)
    ]
    cpu_ratios = [
        o["cpu_s"] / g["cpu_s"] for o, g in zip(runs["ours"], runs["original"], strict=True)
    ]
    ratio = statistics.median(ratios)
    loaded = max(load_before, load_after) > (os.cpu_count() or 1)
    return {
        "figure": "many circuits",
        "circuits": circuits,
        "shots": shots,
        "max_experiments_per_job": per_job,
        "rounds": rounds,
        "ratio": round(ratio, 3),
        "ratios": [round(r, 3) for r in ratios],
        "cpu_ratio": round(statistics.median(cpu_ratios), 3),
        "ours_wall_s": round(statistics.median(r["wall_s"] for r in runs["ours"]), 3),
        "ours_server_cpu_s": round(statistics.median(r["server_cpu_s"] for r in runs["ours"]), 3),
        "original_server_cpu_s": round(
            statistics.median(r["server_cpu_s"] for r in runs["original"]), 3
        ),
        "original_wall_s": round(statistics.median(r["wall_s"] for r in runs["original"]), 3),
        "goal": "ours <= 0.5 of the original's wall time",
        "goal_met": None if loaded else ratio <= 0.5,
        "load_before": load_before,
        "load_after": load_after,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.many_circuits``: run the comparison and print its JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.many_circuits")
    sub = parser.add_subparsers(dest="command")
    client = sub.add_parser("client", help="one run of one client (used by the harness)")
    client.add_argument("--client", choices=sorted(PYTHONS), required=True)
    client.add_argument("--url", required=True)
    client.add_argument("--circuits", type=int, default=1000)
    client.add_argument("--shots", type=int, default=64)
    client.add_argument("--per-job", type=int)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--circuits", type=int, default=1000)
    parser.add_argument("--shots", type=int, default=64)
    parser.add_argument(
        "--per-job", type=int, help="max_experiments_per_job of both clients (backend's)"
    )
    parser.add_argument("--output", type=Path, help="also write the JSON report here")
    args = parser.parse_args(argv)
    if args.command == "client":
        return client_main(args)
    figure = many_circuits(
        rounds=args.rounds, circuits=args.circuits, shots=args.shots, per_job=args.per_job
    )
    text = json.dumps(figure, indent=2)
    if args.output is not None:
        args.output.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
