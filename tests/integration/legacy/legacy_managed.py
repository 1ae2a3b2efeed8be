"""The original client's job manager against a server: create a job set, or retrieve one.

Runs inside ``.venv-legacy`` (qiskit-ibmq-provider 0.20.2) and imports nothing from the
project. Prints one JSON document on stdout.

Usage::

    .venv-legacy/bin/python tests/integration/legacy/legacy_managed.py create \\
        --url URL --token TOKEN --name NAME --circuits N --per-job K --shots S --tag TAG
    .venv-legacy/bin/python tests/integration/legacy/legacy_managed.py retrieve \\
        --url URL --token TOKEN --job-set-id ID
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Any

warnings.filterwarnings("ignore")  # the client and terra announce their deprecations

from qiskit import IBMQ, QuantumCircuit  # noqa: E402
from qiskit.providers.ibmq.managed import IBMQJobManager  # noqa: E402


def x_on(qubits: int, name: str) -> QuantumCircuit:
    """A circuit whose only outcome is ``qubits`` ones (the same as the SDK test's)."""
    circuit = QuantumCircuit(qubits, qubits, name=name)
    circuit.x(range(qubits))
    circuit.measure(range(qubits), range(qubits))
    return circuit


def describe(job_set: Any, count: int) -> dict[str, Any]:
    """What both clients must agree on: name, tags, jobs, ranges and every experiment's counts."""
    results = job_set.results(timeout=120)
    return {
        "job_set_id": job_set.job_set_id(),
        "name": job_set.name(),
        "tags": sorted(job_set.tags()),
        "success": results.success,
        "job_names": [job.name() for job in job_set.jobs()],
        "ranges": [[m.start_index, m.end_index] for m in job_set.managed_jobs()],
        "counts": [results.get_counts(i) for i in range(count)],
        "by_name": results.get_counts("x1"),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=("create", "retrieve"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--name", default="legacy-set")
    parser.add_argument("--circuits", type=int, default=5)
    parser.add_argument("--per-job", type=int, default=2)
    parser.add_argument("--shots", type=int, default=30)
    parser.add_argument("--tag", default="legacy")
    parser.add_argument("--job-set-id")
    args = parser.parse_args()
    provider = IBMQ.enable_account(args.token, url=args.url)
    manager = IBMQJobManager()
    if args.action == "create":
        backend = provider.get_backend("ibmq_qasm_simulator")
        circuits = [x_on(1 + i % 3, f"x{i}") for i in range(args.circuits)]
        job_set = manager.run(
            circuits,
            backend=backend,
            name=args.name,
            max_experiments_per_job=args.per_job,
            job_tags=[args.tag],
            shots=args.shots,
        )
        count = args.circuits
    else:
        job_set = manager.retrieve_job_set(args.job_set_id, provider)
        count = job_set.managed_jobs()[-1].end_index + 1
    print(json.dumps(describe(job_set, count)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
