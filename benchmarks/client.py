"""One benchmark workload, run by one client, in its own process; prints one JSON document.

The same script drives both clients, so both do exactly the same thing:

* ``--client ours``: ``ibmqjob`` (run with the project's ``.venv``);
* ``--client original``: ``qiskit-ibmq-provider`` 0.20.2 (run with ``.venv-legacy``; this
  script then imports nothing from the project).

Both are used as their users would: ``IBMQ.enable_account(token, url=...)``,
``provider.get_backend(name)``, ``backend.run(circuits, ...)``, ``job.result()`` with its
defaults, ``backend.retrieve_job(id)``, ``backend.jobs(limit=...)``. Only the standard
library is used besides the client, and ``urllib`` for the benchmark server's ``/_bench/``
control routes (reset the request counters; the harness reads them once the process exited).

Workloads (``WORKLOAD --help`` for their options): ``latency`` (submit, ``result()``, one job
after the other), ``inflight`` (many small jobs, N threads each with one job in flight),
``submit-big`` (submit one large job and wait for it), ``big-result`` (download and decode
that job's result, then read every experiment: time and peak memory), ``listing``
(``backend.jobs(limit=N)``).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
import tracemalloc
import urllib.request
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

# Both clients and terra 0.46 announce their own deprecations on import.
warnings.filterwarnings("ignore")

BACKEND = "ibmq_qasm_simulator"


def load_client(name: str) -> Any:
    """Return the ``IBMQ`` account factory of the named client."""
    if name == "ours":
        import ibmqjob

        return ibmqjob.IBMQ
    import qiskit

    return qiskit.IBMQ


class Session:
    """A logged-in client, its simulator backend, and the benchmark server's control routes."""

    def __init__(self, client: str, url: str, token: str, base_url: str) -> None:
        self.client = client
        self.base_url = base_url
        started = time.perf_counter()
        ibmq = load_client(client)
        self.import_s = time.perf_counter() - started
        started = time.perf_counter()
        provider = ibmq.enable_account(token, url=url)
        self.backend = provider.get_backend(BACKEND)
        self.login_s = time.perf_counter() - started

    def control(self, action: str, body: dict[str, Any] | None = None) -> Any:
        """Call a ``/_bench/`` route of the benchmark server (not counted as traffic)."""
        request = urllib.request.Request(
            f"{self.base_url}/_bench/{action}",
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def bell_circuit(name: str = "bell") -> Any:
    """A two-qubit Bell circuit, measured."""
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(2, 2, name=name)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


def wide_circuits(count: int, qubits: int) -> list[Any]:
    """``count`` distinct circuits putting ``qubits`` qubits in uniform superposition."""
    from qiskit import QuantumCircuit

    circuits = []
    for index in range(count):
        circuit = QuantumCircuit(qubits, qubits, name=f"uniform-{index}")
        circuit.h(range(qubits))
        if index % 2:
            circuit.cx(0, qubits - 1)
        circuit.measure(range(qubits), range(qubits))
        circuits.append(circuit)
    return circuits


def transpiled(session: Session, circuits: Any) -> Any:
    """The circuits transpiled for the session's backend (outside any timed region)."""
    from qiskit import transpile

    return transpile(circuits, backend=session.backend, seed_transpiler=7)


# ------------------------------------------------------------------ workloads
#
# Every workload notes ``cpu_mark_s``, the process's CPU time when its measured part begins:
# the harness subtracts it from the CPU time of the whole process, read when the process has
# exited, so work deferred to the end of the process (or to exit handlers) is still counted.
# The server's request counters are reset at the same moment and read by the harness after
# the process has exited, for the same reason.


def mark(session: Session, report: dict[str, Any]) -> None:
    """Reset the server's counters and note the CPU time: the measured part begins.

    A request of the client first: work a client defers to its next request (such as the
    acknowledgement of a warm-up job's result) is done before the counters start.
    """
    session.backend.status()
    session.control("reset")
    report["cpu_mark_s"] = time.process_time()


def idle(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """Nothing measured: the CPU time from the mark to the process's exit is the cost of
    leaving a logged-in client process, which the harness subtracts from the others."""
    session.backend.status()
    report: dict[str, Any] = {}
    mark(session, report)
    return report


def latency(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """Submit a job and block in ``result()``, ``--jobs`` times; note when each returned."""
    circuit = transpiled(session, bell_circuit())
    warm = session.backend.run(circuit, shots=args.shots)
    warm.result()
    report: dict[str, Any] = {}
    mark(session, report)
    jobs = []
    for _ in range(args.jobs):
        submitted = time.time()
        job = session.backend.run(circuit, shots=args.shots)
        called = time.time()
        result = job.result()
        returned = time.time()
        check_counts(result, args.shots)
        jobs.append(
            {"id": job.job_id(), "submitted": submitted, "called": called, "returned": returned}
        )
    report["jobs"] = jobs
    return report


def inflight(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """``--jobs`` small jobs, ``--workers`` in flight: each thread submits a job and waits in
    ``result()``, until all are done (both clients the same way). Failures are counted."""
    circuit = transpiled(session, bell_circuit())
    session.backend.run(circuit, shots=args.shots).result()  # warm-up: connections, caches
    report: dict[str, Any] = {}
    errors: list[str] = []

    def one(_: int) -> str | None:
        try:
            job = session.backend.run(circuit, shots=args.shots)
            check_counts(job.result(), args.shots)
            return str(job.job_id())
        except Exception as err:  # every failure counts, whatever its kind
            errors.append(f"{type(err).__name__}: {err}"[:300])
            return None

    mark(session, report)
    profiler = start_profile(args.profile)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        ids = list(pool.map(one, range(args.jobs)))
    elapsed = time.perf_counter() - started
    stop_profile(profiler, args.profile)
    report.update(
        elapsed_s=elapsed,
        jobs_per_s=args.jobs / elapsed,
        ids=[job_id for job_id in ids if job_id],
        errors=len(errors),
        error_samples=sorted(set(errors))[:5],
    )
    return report


def submit_big(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """Submit one job of ``--experiments`` circuits x ``--shots`` shots with memory; wait."""
    circuits = transpiled(session, wide_circuits(args.experiments, args.qubits))
    started = time.perf_counter()
    job = session.backend.run(circuits, shots=args.shots, memory=True, seed_simulator=11)
    job.wait_for_final_state(timeout=1800)
    return {
        "id": job.job_id(),
        "status": job.status().name,
        "elapsed_s": time.perf_counter() - started,
    }


def big_result(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """Retrieve a finished job; time ``result()``, then ``get_counts()`` and ``get_memory()`` of
    every experiment (where lazy decoding would pay), with the memory used.

    The peak memory is the growth of the process's resident high-water mark
    (``ru_maxrss``) over the calls, and with ``--tracemalloc`` the peak of Python
    allocations traced during them (tracing slows the calls; its times are not used).
    """
    job = session.backend.retrieve_job(args.job_id)
    gc.collect()
    report: dict[str, Any] = {}
    mark(session, report)
    profiler = start_profile(args.profile)
    if args.tracemalloc:
        tracemalloc.start()
    rss_before = max_rss_bytes()
    started = time.perf_counter()
    result = job.result()
    result_s = time.perf_counter() - started
    experiments = len(result.results)
    shots = 0
    for index in range(experiments):
        result.get_counts(index)
        shots += len(result.get_memory(index))
    everything_s = time.perf_counter() - started
    rss_after = max_rss_bytes()
    traced = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    if args.tracemalloc:
        tracemalloc.stop()
    stop_profile(profiler, args.profile)
    if shots != args.shots * experiments:
        raise AssertionError(f"expected {args.shots * experiments} memory entries, got {shots}")
    report.update(
        elapsed_s=result_s,
        everything_s=everything_s,
        rss_growth_bytes=rss_after - rss_before,
        rss_before_bytes=rss_before,
        tracemalloc_peak_bytes=traced,
        experiments=experiments,
    )
    return report


def listing(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """Time ``backend.jobs(limit=--limit)``, ``--repeat`` times (after one warm-up)."""
    session.backend.jobs(limit=10)
    report: dict[str, Any] = {}
    mark(session, report)
    times = []
    count = 0
    profiler = None
    for index in range(args.repeat):
        if index == args.repeat - 1:
            profiler = start_profile(args.profile)
        started = time.perf_counter()
        jobs = session.backend.jobs(limit=args.limit)
        times.append(time.perf_counter() - started)
        count = len(jobs)
    stop_profile(profiler, args.profile)
    if count != args.limit:
        raise AssertionError(f"listed {count} jobs, expected {args.limit}")
    report.update(times_s=times, count=count)
    return report


# ------------------------------------------------------------------ helpers


def check_counts(result: Any, shots: int) -> None:
    """Fail unless the result's first experiment has ``shots`` counts."""
    total = sum(result.get_counts(0).values())
    if total != shots:
        raise AssertionError(f"expected {shots} shots in the result, got {total}")


def max_rss_bytes() -> int:
    """The resident-memory high-water mark of this process, in bytes (Linux: KiB units)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def start_profile(path: str | None) -> Any:
    """Start a cProfile profiler when ``path`` is given."""
    if not path:
        return None
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def stop_profile(profiler: Any, path: str | None) -> None:
    """Stop the profiler and write its statistics to ``path``."""
    if profiler is not None and path:
        profiler.disable()
        profiler.dump_stats(path)


WORKLOADS: dict[str, Callable[[Session, argparse.Namespace], dict[str, Any]]] = {
    "idle": idle,
    "latency": latency,
    "inflight": inflight,
    "submit-big": submit_big,
    "big-result": big_result,
    "listing": listing,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run one benchmark workload with one client.")
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--client", choices=("ours", "original"), required=True)
    parser.add_argument("--url", required=True, help="authentication URL (.../api)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--base-url", required=True, help="benchmark server root (/_bench)")
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--shots", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--experiments", type=int, default=300)
    parser.add_argument("--qubits", type=int, default=4)
    parser.add_argument("--job-id")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", help="write cProfile statistics of the timed call here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the workload and print its JSON report on stdout."""
    args = parse_args(argv)
    session = Session(args.client, args.url, args.token, args.base_url)
    report = WORKLOADS[args.workload](session, args)
    # The end of the measured part: what the process spends after it (its exit, and work it
    # deferred to its exit) is compared by the harness with an idle process's.
    report["cpu_end_s"] = time.process_time()
    report.update(
        client=args.client,
        workload=args.workload,
        import_s=session.import_s,
        login_s=session.login_s,
        python=sys.version.split()[0],
    )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
