"""Several Bell jobs: submit, wait (websocket), results, tags and a listing, recorded once."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from qiskit import QuantumCircuit

from ibmqjob.provider import AccountProvider


def bell() -> QuantumCircuit:
    circuit = QuantumCircuit(2, 2)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


@pytest.mark.vcr
def test_bell_jobs(provider: AccountProvider, vcr: Any, ibmqjob_session: Any) -> None:
    started = time.monotonic()
    backend = provider.get_backend("ibmq_qasm_simulator")
    jobs = [
        backend.run(
            bell(), shots=8, seed_simulator=11 + i, job_name=f"sample-{i}", job_tags=["sample"]
        )
        for i in range(3)
    ]
    seen: list[str] = []
    for job in jobs:
        job.wait_for_final_state(
            timeout=120,
            callback=lambda job_id, status, job, queue_info=None: seen.append(status.name),
        )
    counts = [job.result().get_counts() for job in jobs]
    tags = jobs[0].update_tags(additional_tags=["checked"])
    listed = backend.jobs(limit=10, job_tags=[os.environ.get("SAMPLE_TAG", "sample")])
    answers = {
        "job_ids": [job.job_id() for job in jobs],
        "statuses": [job.status().name for job in jobs],
        "seen_while_waiting": sorted(set(seen)),
        "counts": counts,
        "tags": sorted(tags),
        "listed": sorted(job.job_id() for job in listed),
        "websocket_sessions": len(ibmqjob_session.sessions),
        "websocket_all_replayed": ibmqjob_session.all_played,
        "http_all_replayed": vcr.all_played,
        "seconds": time.monotonic() - started,
    }
    Path(os.environ["SAMPLE_ANSWERS"]).write_text(json.dumps(answers), encoding="utf-8")
    assert all(sum(c.values()) == 8 for c in counts)
