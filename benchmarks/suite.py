"""The figures of the benchmark: each one runs both clients against the same server.

A figure is one function registered with :func:`figure`; it gets a :class:`Context` and
returns a :class:`Section`: the raw measurements (for ``results.json``) and the rows of the
table, each with its goal and whether it was met. ``scripts/bench`` runs the registered
figures in registration order. To add one::

    @figure("many-circuits", "many circuits through the batch API")
    def many_circuits(ctx: Context) -> Section:
        section = Section()
        with BenchServer() as server:
            ratios = ctx.alternate(lambda client: ..., ...)  # rounds, fresh processes
        section.row("many circuits, wall time", ..., goal="<= 0.5", met=...)
        return section

How comparisons are made (so that no figure can be fooled):

* every comparison runs in alternating rounds (``ours`` first in odd rounds) of fresh client
  processes, and its ratio is the median of the per-round ratios ours/original;
* both clients run the same workload at the same concurrency;
* the server's request counters are read after the client process has exited;
* client cost is the CPU time of the client process from the start of its measured part to
  its exit (so deferred work is paid where it is deferred to).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks import floor
from benchmarks.processes import CLIENTS, ROOT, BenchServer, run_client
from benchmarks.stats import median, percentile, ratio, rounded


@dataclass(frozen=True)
class Sizes:
    """How big each figure is."""

    name: str
    rounds: int
    latency_jobs: int
    inflight: tuple[int, ...]
    inflight_goal: tuple[int, int]  # (usual, many): CPU per job at "many" against "usual"
    big_experiments: tuple[int, ...]
    big_goal: int
    big_shots: int
    listing: tuple[int, ...]
    listing_goal: int
    run_delay: float
    replay: bool

    def inflight_jobs(self, workers: int) -> int:
        """Jobs of one in-flight run: enough for every worker to wait at least twice."""
        return max(2 * workers, 4 if self.name == "quick" else 32)


FULL = Sizes(
    name="full",
    rounds=5,
    latency_jobs=20,
    inflight=(1, 8, 64, 256),
    inflight_goal=(8, 256),
    # The reference simulator takes at most 300 experiments per job (max_experiments).
    big_experiments=(10, 100, 300),
    big_goal=300,
    big_shots=8192,
    listing=(100, 1000, 10000),
    listing_goal=1000,
    run_delay=0.1,
    replay=True,
)
QUICK = Sizes(
    name="quick",
    rounds=2,
    latency_jobs=3,
    inflight=(1, 4),
    inflight_goal=(1, 4),
    big_experiments=(4,),
    big_goal=4,
    big_shots=128,
    listing=(20, 50),
    listing_goal=50,
    run_delay=0.05,
    replay=False,
)

SMALL_SHOTS = 64


@dataclass
class Row:
    """One line of the table: a figure of both clients, their ratio and the goal."""

    figure: str
    original: str
    ours: str
    ratio: float | None
    goal: str = ""
    met: bool | None = None


@dataclass
class Section:
    """What a figure returns: its table rows and its raw data."""

    rows: list[Row] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def row(
        self,
        name: str,
        original: str,
        ours: str,
        ratio_value: float | None,
        goal: str = "",
        met: bool | None = None,
    ) -> None:
        """Add a row to the table."""
        self.rows.append(Row(name, original, ours, rounded(ratio_value), goal, met))


@dataclass
class Context:
    """What every figure gets."""

    sizes: Sizes
    sdk_path: str | None = None
    log: Callable[[str], None] = print
    exit_cpu_s: dict[str, float] = field(default_factory=dict)

    def client(self, client: str, workload: str, server: BenchServer, **options: Any) -> Any:
        """Run a workload with one client in a fresh process; return its report.

        ``client_cpu_s`` of the report is the CPU time of the measured part, plus what the
        process spent from its end to its exit beyond what an idle client process spends
        there (work deferred to the exit is paid where it is deferred to).
        """
        if "cpu_exit_baseline" not in options and client not in self.exit_cpu_s:
            self.exit_cpu_s[client] = self._exit_baseline(client, server)
        options.pop("cpu_exit_baseline", None)
        started = time.perf_counter()
        report = run_client(client, workload, server, sdk_path=self.sdk_path, **options)
        self.log(f"  {workload:<11} {client:<8} {time.perf_counter() - started:6.1f} s")
        if "measured_cpu_s" in report and workload != "idle":
            deferred = max(0.0, report["exit_cpu_s"] - self.exit_cpu_s[client])
            report["deferred_cpu_s"] = deferred
            report["client_cpu_s"] = report["measured_cpu_s"] + deferred
        return report

    def _exit_baseline(self, client: str, server: BenchServer) -> float:
        """Median CPU time, from the end of the (empty) measured part to the exit, of three
        idle processes of ``client``."""
        samples = [
            self.client(client, "idle", server, cpu_exit_baseline=True)["exit_cpu_s"]
            for _ in range(3)
        ]
        return median(samples)

    def alternate(
        self, run: Callable[[str, int], dict[str, Any]]
    ) -> dict[str, list[dict[str, Any]]]:
        """Run ``run(client, round)`` for both clients in alternating order, ``rounds`` times.

        Returns:
            Each client's reports, one per round, in round order.
        """
        reports: dict[str, list[dict[str, Any]]] = {client: [] for client in CLIENTS}
        for index in range(self.sizes.rounds):
            order = CLIENTS if index % 2 == 0 else tuple(reversed(CLIENTS))
            for client in order:
                reports[client].append(run(client, index))
        return reports


FigureFunction = Callable[[Context], Section]


@dataclass(frozen=True)
class Figure:
    """A registered figure: its name (for ``--only``), title and function."""

    name: str
    title: str
    run: FigureFunction


FIGURES: list[Figure] = []


def figure(name: str, title: str) -> Callable[[FigureFunction], FigureFunction]:
    """Register a figure function under ``name`` (run in registration order)."""

    def register(function: FigureFunction) -> FigureFunction:
        FIGURES.append(Figure(name, title, function))
        return function

    return register


def round_ratios(
    reports: dict[str, list[dict[str, Any]]], value: Callable[[dict[str, Any]], float]
) -> tuple[float | None, list[float | None], dict[str, float]]:
    """The median of the per-round ratios ours/original of ``value(report)``.

    Returns:
        The median ratio, each round's ratio, and each client's median value.
    """
    per_round = [
        ratio(value(ours), value(original))
        for ours, original in zip(reports["ours"], reports["original"], strict=True)
    ]
    usable = [r for r in per_round if r is not None]
    medians = {client: median([value(r) for r in reports[client]]) for client in CLIENTS}
    return (median(usable) if usable else None), [rounded(r) for r in per_round], medians


def fmt(value: float | None, unit: str = "", digits: int = 3) -> str:
    """A figure for the table."""
    if value is None:
        return "-"
    text = f"{value:.{digits}g}" if abs(value) < 10 ** (digits - 1) else f"{value:.0f}"
    return text + unit


def at_most(value: float | None, limit: float) -> bool | None:
    """``value <= limit``, ``None`` when not measured."""
    return None if value is None else value <= limit


# ------------------------------------------------------------------ completion latency


def _latency_figure(ctx: Context, extension: bool) -> Section:
    sizes = ctx.sizes
    section = Section()
    with BenchServer(run_delay=sizes.run_delay, final_frame_extension=extension) as server:

        def one(client: str, _: int) -> dict[str, Any]:
            report: dict[str, Any] = ctx.client(
                client, "latency", server, jobs=sizes.latency_jobs, shots=SMALL_SHOTS
            )
            ids = [job["id"] for job in report["jobs"]]
            instants = server.control("instants", {"ids": ids})
            report["samples_ms"] = [
                (job["returned"] - instants[job["id"]]["final"]) * 1000 for job in report["jobs"]
            ]
            report["median_ms"] = median(report["samples_ms"])
            return report

        reports = ctx.alternate(one)
    latency_ratio, per_round, medians = round_ratios(reports, lambda r: r["median_ms"])
    jobs = sizes.latency_jobs
    data: dict[str, Any] = {
        "jobs_per_process": jobs,
        "rounds": sizes.rounds,
        "run_delay_s": sizes.run_delay,
        "ratio_median": rounded(latency_ratio),
        "ratio_per_round": per_round,
    }
    for client in CLIENTS:
        samples = [s for report in reports[client] for s in report["samples_ms"]]
        counters = [report["counters"] for report in reports[client]]
        routes: dict[str, int] = {}
        for counter in counters:
            for route, count in counter["per_route"].items():
                routes[route] = routes.get(route, 0) + count
        total_jobs = jobs * len(counters)
        data[client] = {
            "median_ms": rounded(medians[client]),
            "p95_ms": rounded(percentile(samples, 0.95)),
            "http_per_job": rounded(sum(c["http"] for c in counters) / total_jobs),
            "websockets_per_job": rounded(sum(c["websockets"] for c in counters) / total_jobs),
            "per_route_per_job": {k: rounded(v / total_jobs) for k, v in sorted(routes.items())},
            "client_cpu_ms_per_job": rounded(
                median([r["client_cpu_s"] * 1000 / jobs for r in reports[client]])
            ),
            "samples_ms": [rounded(s) for s in samples],
        }
    section.data = data
    ours, original = data["ours"], data["original"]
    if extension:
        section.row(
            "completion latency, median (final frame with result URL)",
            fmt(original["median_ms"], " ms"),
            fmt(ours["median_ms"], " ms"),
            latency_ratio,
            "<= 0.45",
            at_most(latency_ratio, 0.45),
        )
        return section
    section.row(
        "completion latency, median",
        fmt(original["median_ms"], " ms"),
        fmt(ours["median_ms"], " ms"),
        latency_ratio,
        "<= 0.65",
        at_most(latency_ratio, 0.65),
    )
    section.row(
        "completion latency, p95 (all samples)",
        fmt(original["p95_ms"], " ms"),
        fmt(ours["p95_ms"], " ms"),
        ratio(ours["p95_ms"], original["p95_ms"]),
    )
    section.row(
        "HTTP requests + websockets per job",
        f"{fmt(original['http_per_job'])} + {fmt(original['websockets_per_job'])}",
        f"{fmt(ours['http_per_job'])} + {fmt(ours['websockets_per_job'])}",
        ratio(ours["http_per_job"], original["http_per_job"]),
        "<= 6 + 1 (ours)",
        ours["http_per_job"] <= 6 and ours["websockets_per_job"] <= 1,
    )
    return section


@figure("latency", "completion latency and requests per job (today's protocol)")
def completion_latency(ctx: Context) -> Section:
    """Each client submits a job and blocks in ``result()``, one job after the other.

    The server notes when it saved each job COMPLETED; the client notes when ``result()``
    returned (same machine, same clock). A run delay keeps each job running until the client
    waits. Requests per job are the server's counters over the measured jobs, read after the
    client process exited (the acknowledgements it deferred to its exit included).
    """
    return _latency_figure(ctx, extension=False)


@figure("latency-extension", "completion latency, server sending the result URL in its frame")
def completion_latency_extension(ctx: Context) -> Section:
    """The same against a server whose final ``job-status`` frame carries the result URL."""
    return _latency_figure(ctx, extension=True)


# ------------------------------------------------------------------ jobs in flight


@figure("inflight", "jobs in flight on one account")
def jobs_in_flight(ctx: Context) -> Section:
    """N threads, each with one job in flight (submit, then ``result()``), for both clients.

    Figures per level: jobs/s, the client process's CPU milliseconds per job, failed jobs.
    """
    sizes = ctx.sizes
    section = Section()
    levels: dict[str, Any] = {}
    with BenchServer() as server:
        for workers in sizes.inflight:
            jobs = sizes.inflight_jobs(workers)

            def one(client: str, _: int, workers: int = workers, jobs: int = jobs) -> Any:
                report = ctx.client(
                    client, "inflight", server, jobs=jobs, workers=workers, shots=SMALL_SHOTS
                )
                report["cpu_ms_per_job"] = report["client_cpu_s"] * 1000 / jobs
                return report

            reports = ctx.alternate(one)
            rate_ratio, rate_rounds, rates = round_ratios(reports, lambda r: r["jobs_per_s"])
            cpu_ratio, cpu_rounds, cpus = round_ratios(reports, lambda r: r["cpu_ms_per_job"])
            errors = {c: sum(r["errors"] for r in reports[c]) for c in CLIENTS}
            levels[str(workers)] = {
                "jobs_per_run": jobs,
                "ratio_jobs_per_s": rounded(rate_ratio),
                "ratio_jobs_per_s_per_round": rate_rounds,
                "ratio_cpu_per_job": rounded(cpu_ratio),
                "ratio_cpu_per_job_per_round": cpu_rounds,
                **{
                    client: {
                        "jobs_per_s": rounded(rates[client], 2),
                        "cpu_ms_per_job": rounded(cpus[client], 2),
                        "errors": errors[client],
                        "error_samples": sorted(
                            {s for r in reports[client] for s in r["error_samples"]}
                        )[:5],
                        "http_per_job": rounded(
                            median([r["counters"]["http"] / jobs for r in reports[client]])
                        ),
                    }
                    for client in CLIENTS
                },
            }
            level = levels[str(workers)]
            usual, many = sizes.inflight_goal
            section.row(
                f"{workers} in flight, jobs/s",
                fmt(level["original"]["jobs_per_s"]),
                fmt(level["ours"]["jobs_per_s"]),
                rate_ratio,
            )
            goal, met = "", None
            if workers == usual:
                goal, met = "<= 0.6", at_most(cpu_ratio, 0.6)
            section.row(
                f"{workers} in flight, client CPU per job",
                fmt(level["original"]["cpu_ms_per_job"], " ms"),
                fmt(level["ours"]["cpu_ms_per_job"], " ms"),
                cpu_ratio,
                goal,
                met,
            )
            section.row(
                f"{workers} in flight, failed jobs",
                str(errors["original"]),
                str(errors["ours"]),
                None,
                "0 (ours)" if workers == many else "",
                errors["ours"] == 0 if workers == many else None,
            )
    usual_key, many_key = (str(n) for n in sizes.inflight_goal)
    if usual_key in levels and many_key in levels:
        growth = ratio(
            levels[many_key]["ours"]["cpu_ms_per_job"], levels[usual_key]["ours"]["cpu_ms_per_job"]
        )
        section.row(
            f"ours: CPU per job at {many_key} / at {usual_key} in flight",
            "",
            fmt(growth, "x"),
            None,
            "<= 1.3x",
            at_most(growth, 1.3),
        )
    section.data = {"rounds": sizes.rounds, "levels": levels}
    return section


# ------------------------------------------------------------------ big result


@figure("big", "big result with per-shot memory")
def big_result(ctx: Context) -> Section:
    """One job of E experiments x S shots with ``memory=True`` per size, run once; then each
    client retrieves it in fresh processes (alternating rounds) and times ``result()``, and
    ``result()`` plus ``get_counts()`` and ``get_memory()`` of every experiment; memory as the
    growth of the resident high-water mark, and, at the goal size, the ``tracemalloc`` peak in
    one more process each."""
    sizes = ctx.sizes
    section = Section()
    by_size: dict[str, Any] = {}
    with BenchServer() as server:
        section.data["floor"] = floor.loopback_floor(server)
        for experiments in sizes.big_experiments:
            made = ctx.client(
                "ours", "submit-big", server, experiments=experiments, shots=sizes.big_shots
            )
            if made["status"] != "DONE":
                raise RuntimeError(f"the big job ended {made['status']}")
            job_id = made["id"]

            def one(client: str, _: int, job_id: str = job_id) -> Any:
                return ctx.client(
                    client, "big-result", server, job_id=job_id, shots=sizes.big_shots
                )

            reports = ctx.alternate(one)
            time_ratio, time_rounds, times = round_ratios(reports, lambda r: r["elapsed_s"])
            all_ratio, all_rounds, alls = round_ratios(reports, lambda r: r["everything_s"])
            rss_ratio, rss_rounds, rss = round_ratios(
                reports, lambda r: max(r["rss_growth_bytes"], 1) / 2**20
            )
            cpu_ratio, _, cpus = round_ratios(reports, lambda r: r["client_cpu_s"])
            entry: dict[str, Any] = {
                "server_run_s": rounded(made["elapsed_s"]),
                "ratio_result_s": rounded(time_ratio),
                "ratio_result_s_per_round": time_rounds,
                "ratio_everything_s": rounded(all_ratio),
                "ratio_everything_s_per_round": all_rounds,
                "ratio_rss_growth": rounded(rss_ratio),
                "ratio_rss_growth_per_round": rss_rounds,
                "ratio_client_cpu": rounded(cpu_ratio),
            }
            for client in CLIENTS:
                entry[client] = {
                    "result_s": rounded(times[client]),
                    "everything_s": rounded(alls[client]),
                    "rss_growth_mb": rounded(rss[client], 1),
                    "client_cpu_s": rounded(cpus[client]),
                }
            label = f"{experiments} x {sizes.big_shots}"
            goal_size = experiments == sizes.big_goal
            memory_ratio = rss_ratio
            if goal_size:
                section.data["floor"].update(floor.payload_floor(server, job_id))
                for client in CLIENTS:
                    traced = ctx.client(
                        client,
                        "big-result",
                        server,
                        job_id=job_id,
                        shots=sizes.big_shots,
                        tracemalloc=True,
                    )
                    entry[client]["tracemalloc_peak_mb"] = rounded(
                        traced["tracemalloc_peak_bytes"] / 2**20
                    )
                entry["ratio_tracemalloc"] = rounded(
                    ratio(
                        entry["ours"]["tracemalloc_peak_mb"],
                        entry["original"]["tracemalloc_peak_mb"],
                    )
                )
                if rss_ratio is not None and entry["ratio_tracemalloc"] is not None:
                    memory_ratio = max(rss_ratio, entry["ratio_tracemalloc"])
            by_size[str(experiments)] = entry
            together = None
            if goal_size and time_ratio is not None and memory_ratio is not None:
                together = time_ratio <= 0.5 and memory_ratio <= 0.7
            section.row(
                f"big result {label}, result()",
                fmt(entry["original"]["result_s"], " s"),
                fmt(entry["ours"]["result_s"], " s"),
                time_ratio,
                "<= 0.5 with memory <= 0.7" if goal_size else "",
                together,
            )
            section.row(
                f"big result {label}, peak memory (RSS growth)",
                fmt(entry["original"]["rss_growth_mb"], " MB"),
                fmt(entry["ours"]["rss_growth_mb"], " MB"),
                rss_ratio,
                "<= 0.7 (both measures)" if goal_size else "",
                at_most(memory_ratio, 0.7) if goal_size else None,
            )
            if goal_size:
                section.row(
                    f"big result {label}, peak memory (tracemalloc)",
                    fmt(entry["original"]["tracemalloc_peak_mb"], " MB"),
                    fmt(entry["ours"]["tracemalloc_peak_mb"], " MB"),
                    entry["ratio_tracemalloc"],
                )
            section.row(
                f"big result {label}, result() + every get_counts/get_memory",
                fmt(entry["original"]["everything_s"], " s"),
                fmt(entry["ours"]["everything_s"], " s"),
                all_ratio,
                "<= 1.0" if goal_size else "",
                at_most(all_ratio, 1.0) if goal_size else None,
            )
    section.data.update(
        {"rounds": sizes.rounds, "shots": sizes.big_shots, "memory": True, "sizes": by_size}
    )
    return section


# ------------------------------------------------------------------ listing


@figure("listing", "listing stored jobs")
def listing(ctx: Context) -> Section:
    """``backend.jobs(limit=N)`` over N stored jobs (one real job, N - 1 copies of its record
    with new ids and earlier dates), each client in fresh processes, alternating rounds: the
    wall time of the call and the client process's CPU time over it."""
    sizes = ctx.sizes
    section = Section()
    by_size: dict[str, Any] = {}
    with BenchServer() as server:
        made = ctx.client("ours", "submit-big", server, experiments=1, shots=SMALL_SHOTS, qubits=2)
        stored = 1
        for count in sizes.listing:
            server.control("clone", {"job_id": made["id"], "count": count - stored})
            stored = count

            def one(client: str, _: int, count: int = count) -> Any:
                report = ctx.client(client, "listing", server, limit=count, repeat=1)
                report["time_s"] = report["times_s"][0]
                return report

            reports = ctx.alternate(one)
            time_ratio, time_rounds, times = round_ratios(reports, lambda r: r["time_s"])
            cpu_ratio, cpu_rounds, cpus = round_ratios(reports, lambda r: r["client_cpu_s"])
            entry: dict[str, Any] = {
                "ratio_time": rounded(time_ratio),
                "ratio_time_per_round": time_rounds,
                "ratio_client_cpu": rounded(cpu_ratio),
                "ratio_client_cpu_per_round": cpu_rounds,
            }
            for client in CLIENTS:
                entry[client] = {
                    "time_s": rounded(times[client]),
                    "client_cpu_s": rounded(cpus[client]),
                    "requests": median([r["counters"]["http"] for r in reports[client]]),
                }
            by_size[str(count)] = entry
            goal_size = count == sizes.listing_goal
            section.row(
                f"listing {count} jobs, total",
                fmt(entry["original"]["time_s"], " s"),
                fmt(entry["ours"]["time_s"], " s"),
                time_ratio,
                "<= 0.5" if goal_size else "",
                at_most(time_ratio, 0.5) if goal_size else None,
            )
            section.row(
                f"listing {count} jobs, client CPU",
                fmt(entry["original"]["client_cpu_s"], " s"),
                fmt(entry["ours"]["client_cpu_s"], " s"),
                cpu_ratio,
                "<= 0.4" if goal_size else "",
                at_most(cpu_ratio, 0.4) if goal_size else None,
            )
    section.data = {"rounds": sizes.rounds, "sizes": by_size}
    return section


# ------------------------------------------------------------------ many circuits


@figure("many-circuits", "many circuits through the batch API")
def many_circuits_figure(ctx: Context) -> Section:
    """1,000 circuits (40 when quick) through each client's ``IBMQJobManager``: wall time."""
    from benchmarks import many_circuits

    quick = ctx.sizes.name == "quick"
    found = many_circuits.many_circuits(
        rounds=ctx.sizes.rounds, circuits=40 if quick else 1000, per_job=10 if quick else None
    )
    section = Section(data={key: value for key, value in found.items() if key != "runs"})
    label = f"{found['circuits']} circuits, job manager, wall time"
    section.row(
        label,
        fmt(found["original_wall_s"], " s"),
        fmt(found["ours_wall_s"], " s"),
        found["ratio"],
        "<= 0.5",
        at_most(found["ratio"], 0.5),
    )
    section.row(
        f"{found['circuits']} circuits, job manager, client CPU",
        "",
        "",
        found["cpu_ratio"],
    )
    return section


# ------------------------------------------------------------------ replay


@figure("replay", "replay of every cassette")
def replay(ctx: Context) -> Section:
    """Wall time of the recorded-session suite, ``pytest tests/replay -q`` (ours only)."""
    section = Section()
    if not ctx.sizes.replay:
        section.data = {"status": "skipped (quick)"}
        section.row("replay of every cassette", "", "skipped", None, "< 30 s", None)
        return section
    started = time.perf_counter()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pytest"), "tests/replay", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    passed = done.returncode == 0
    ctx.log(f"  replay suite        {wall:6.1f} s ({summary})")
    section.data = {
        "status": "passed" if passed else f"failed (exit {done.returncode})",
        "wall_s": rounded(wall, 2),
        "pytest_summary": summary,
    }
    section.row(
        "replay of every cassette",
        "",
        fmt(wall, " s") + ("" if passed else " (failed)"),
        None,
        "< 30 s",
        passed and wall < 30,
    )
    return section
