"""The job manager over the fake job API: splitting, naming and tagging, the job limit,
combined and partial results, retrieval of a job set by its ID, and bad input."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from qiskit import QuantumCircuit
from qiskit.exceptions import QiskitError
from qiskit.providers import JobStatus
from qiskit.result import Result

from ibmqjob._api.records import JobRecord, ProjectRef
from ibmqjob.backend import IBMQBackend
from ibmqjob.exceptions import RequestsApiError
from ibmqjob.managed import (
    IBMQJobManager,
    IBMQJobManagerError,
    IBMQJobManagerInvalidStateError,
    IBMQJobManagerJobNotFound,
    IBMQJobManagerTimeoutError,
    IBMQJobManagerUnknownJobSet,
    IBMQManagedResultDataNotAvailable,
    ManagedJobSet,
    ManagedResults,
)
from ibmqjob.managed._names import parse_job_name, split_experiments, tag_of
from ibmqjob.managed.ibmqjobmanager import _chunk_size
from ibmqjob.managed.managedjob import Turns
from ibmqjob.provider import AccountProvider
from ibmqjob.settings import TimeSource
from tests.unit.fake_job_api import FakeClock, FakeProjectApi, configuration

BACKEND = "sim"


class SetApi(FakeProjectApi):
    """A fake project whose jobs hold the submitted experiments and honour a job limit.

    A job's result has one experiment per experiment of its Qobj (same names). Jobs whose
    name is in ``failing`` fail, their experiments in ``failing_experiments`` unsuccessful.
    """

    def __init__(self, max_experiments: int = 3, job_limit: int | None = None) -> None:
        super().__init__([configuration(BACKEND, max_experiments=max_experiments)])
        self.clock = FakeClock()
        self.time = TimeSource(sleep=self.clock.sleep, clock=self.clock)
        self.job_limit = job_limit
        self.limit_refusals = 0
        self.most_active = 0
        self.failing: set[str] = set()
        self.never_final = False
        self.failing_experiments: set[str] = set()
        self.lock = threading.Lock()

    def active(self) -> list[str]:
        return [job_id for job_id, job in self.jobs.items() if not job.done]

    def job_submit(
        self,
        backend_name: str,
        qobj: Mapping[str, Any],
        *,
        name: str | None = None,
        tags: Sequence[str] | None = None,
        experiment_id: str | None = None,
        live_data_enabled: bool | None = None,
    ) -> JobRecord:
        with self.lock:
            if self.job_limit is not None and len(self.active()) >= self.job_limit:
                self.limit_refusals += 1
                raise RequestsApiError(
                    "400 Client Error: job limit reached. Error code: 3458.", 400, code=3458
                )
            names = [experiment["header"]["name"] for experiment in qobj["experiments"]]
            fails = name in self.failing
            final = "ERROR_RUNNING_JOB" if fails else "COMPLETED"
            script = ["QUEUED"] if self.never_final else ["QUEUED", "RUNNING", final]
            job_id = self.add(
                script,
                name=name,
                tags=list(tags or ()),
                error={"message": "experiments failed", "code": 9999} if fails else None,
            )
            shots = int(qobj["config"]["shots"])
            self.jobs[job_id].result = result_of(job_id, names, self.failing_experiments, shots)
            self.submitted.append((backend_name, dict(qobj)))
            self.most_active = max(self.most_active, len(self.active()))
            return self.job_get(job_id)

    def jobs_page(self, loopback_filter: Mapping[str, Any]) -> list[JobRecord]:
        self.filters.append(dict(loopback_filter))
        where = loopback_filter.get("where", {})
        wanted_tags = set(where.get("tags", {}).get("inq", []))
        records = []
        for job_id, job in self.jobs.items():
            if wanted_tags and not wanted_tags & set(job.tags):
                continue
            if "or" in where and job.done:  # the active-status filter of a slot wait
                continue
            records.append(self.job_get(job_id))
        return records


def result_of(job_id: str, names: Sequence[str], failing: set[str], shots: int) -> dict[str, Any]:
    experiments = []
    for index, name in enumerate(names):
        ok = name not in failing
        experiments.append(
            {
                "shots": shots,
                "success": ok,
                "status": "DONE" if ok else "ERROR: it failed",
                "data": {"counts": {"0x0": index, "0x3": shots - index}} if ok else {},
                "header": {"name": name, "memory_slots": 2, "creg_sizes": [["c", 2]]},
            }
        )
    success = all(e["success"] for e in experiments)
    return {
        "backend_name": BACKEND,
        "backend_version": "1.0.0",
        "qobj_id": "q",
        "job_id": job_id,
        "success": success,
        "date": "2024-05-01T12:05:00Z",
        "status": "COMPLETED" if success else "PARTIAL COMPLETED",
        "results": experiments,
    }


def circuits(count: int, prefix: str = "c") -> list[QuantumCircuit]:
    made = []
    for index in range(count):
        circuit = QuantumCircuit(2, 2, name=f"{prefix}{index}")
        circuit.h(0)
        circuit.cx(0, 1)
        circuit.measure([0, 1], [0, 1])
        made.append(circuit)
    return made


def setup(
    max_experiments: int = 3, job_limit: int | None = None
) -> tuple[SetApi, AccountProvider, IBMQBackend]:
    api = SetApi(max_experiments, job_limit)
    provider = AccountProvider(ProjectRef("h", "g", "p"), api)
    backend: IBMQBackend = provider.get_backend(BACKEND)
    return api, provider, backend


def submitted_names(api: SetApi) -> list[list[str]]:
    return [[e["header"]["name"] for e in qobj["experiments"]] for _, qobj in api.submitted]


# ------------------------------------------------------------------ splitting and naming


def test_split_keeps_order_and_bounds_each_chunk() -> None:
    assert split_experiments(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert split_experiments(list(range(3)), 3) == [[0, 1, 2]]
    with pytest.raises(ValueError, match="positive"):
        split_experiments([1], 0)


def test_experiments_are_split_within_max_experiments() -> None:
    api, _, backend = setup(max_experiments=3)
    job_set = IBMQJobManager().run(circuits(8), backend, name="sweep", shots=10)
    jobs = job_set.jobs()
    assert len(jobs) == 3
    assert sorted(submitted_names(api)) == [["c0", "c1", "c2"], ["c3", "c4", "c5"], ["c6", "c7"]]
    ranges = [(m.start_index, m.end_index) for m in job_set.managed_jobs()]
    assert ranges == [(0, 2), (3, 5), (6, 7)]


def test_max_experiments_per_job_only_lowers_the_backend_limit() -> None:
    _, _, backend = setup(max_experiments=3)
    assert len(IBMQJobManager().run(circuits(8), backend, max_experiments_per_job=2).jobs()) == 4
    assert len(IBMQJobManager().run(circuits(8), backend, max_experiments_per_job=50).jobs()) == 3


class _Sized:
    """A backend as ``_chunk_size`` sees it: a configuration with or without a simulator."""

    def __init__(self, simulator: bool, max_experiments: int | None = 300) -> None:
        self._configuration = SimpleNamespace(simulator=simulator, max_experiments=max_experiments)

    def configuration(self) -> Any:
        return self._configuration


@pytest.mark.parametrize(
    ("simulator", "count", "per_job", "size"),
    [
        (True, 1000, None, 300),  # as large as the backend allows, as the original client
        (True, 150, None, 300),  # one job of all 150
        (True, 1000, 250, 250),  # asked for
        (True, 1000, 400, 300),  # within max_experiments
        (False, 1000, None, 300),
        (False, 1000, 40, 40),
    ],
)
def test_jobs_are_as_large_as_the_backend_and_the_caller_allow(
    simulator: bool, count: int, per_job: int | None, size: int
) -> None:
    backend: Any = _Sized(simulator)
    assert _chunk_size(backend, per_job, count) == size


def test_without_max_experiments_a_device_takes_every_experiment_in_one_job() -> None:
    backend: Any = _Sized(False, max_experiments=None)
    assert _chunk_size(backend, None, 1000) == 1000


def test_jobs_are_named_and_tagged_as_the_original_client_does() -> None:
    api, _, backend = setup(max_experiments=2)
    job_set = IBMQJobManager().run(circuits(5), backend, name="sweep", job_tags=["mine"])
    set_id = job_set.job_set_id()
    assert re.fullmatch(r"[0-9a-f]{32}-[0-9]+", set_id)
    jobs = job_set.jobs()
    assert [job.name() for job in jobs if job] == ["sweep_0_", "sweep_1_", "sweep_2_"]
    for job in jobs:
        assert job is not None
        assert set(job.tags()) == {"mine", f"ibmq_jobset_{set_id}_"}
    assert job_set.tags() == ["mine"]
    assert job_set.name() == "sweep"
    assert {name for _, qobj in api.submitted for name in [qobj["config"]["shots"]]} == {4000}


def test_the_default_name_is_the_utc_time() -> None:
    _, _, backend = setup()
    job_set = IBMQJobManager().run(circuits(1), backend)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", job_set.name())
    job = job_set.jobs()[0]
    assert job is not None
    assert parse_job_name(job.name()) == (job_set.name(), 0)


def test_run_config_reaches_every_job() -> None:
    api, _, backend = setup(max_experiments=2)
    IBMQJobManager().run(circuits(3), backend, shots=123, memory=True).jobs()
    assert [qobj["config"]["shots"] for _, qobj in api.submitted] == [123, 123]
    assert all(qobj["config"]["memory"] for _, qobj in api.submitted)


def test_a_single_circuit_is_one_experiment() -> None:
    api, _, backend = setup()
    job_set = IBMQJobManager().run(circuits(1)[0], backend)
    assert len(job_set.jobs()) == 1
    assert submitted_names(api) == [["c0"]]


# ------------------------------------------------------------------ results


def test_results_are_combined_and_found_by_index_name_or_circuit() -> None:
    _, _, backend = setup(max_experiments=3)
    made = circuits(7)
    job_set = IBMQJobManager().run(made, backend, name="r", shots=100)
    seen: list[tuple[int, int]] = []
    results = job_set.results(callback=lambda done, total: seen.append((done, total)))
    assert isinstance(results, ManagedResults)
    assert results.success and results.backend_name == BACKEND
    # Experiment 4 is the second of the second job.
    assert results.get_counts(4) == {"00": 1, "11": 99}
    assert results.get_counts("c4") == results.get_counts(made[4]) == {"00": 1, "11": 99}
    assert results.data(0) == {"counts": {"0x0": 0, "0x3": 100}}
    assert job_set.job(4)[1] == 1 and job_set.job("c6")[1] == 0
    combined = results.combine_results()
    assert isinstance(combined, Result)
    assert [_name(e.header) for e in combined.results] == [f"c{i}" for i in range(7)]
    assert combined.get_counts(6) == results.get_counts(6)
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    assert job_set.results() is results  # cached


class _SpentFuture:
    """A submission that must not be waited on again."""

    def cancelled(self) -> bool:
        return False

    def result(self, timeout: float | None = None) -> None:
        raise AssertionError("the submissions were waited for again")


def test_experiments_are_looked_up_without_waiting_on_the_submissions_again() -> None:
    _, _, backend = setup(max_experiments=2)
    job_set = IBMQJobManager().run(circuits(6), backend, shots=100)
    results = job_set.results()
    job_set.jobs()
    for managed in job_set.managed_jobs():
        managed.future = _SpentFuture()  # type: ignore[assignment]

    assert [sum(results.get_counts(index).values()) for index in range(6)] == [100] * 6


def test_unknown_experiments_are_reported() -> None:
    _, _, backend = setup()
    results = IBMQJobManager().run(circuits(2), backend).results()
    with pytest.raises(IBMQJobManagerJobNotFound, match="experiment 7"):
        results.get_counts(7)
    with pytest.raises(IBMQJobManagerJobNotFound, match="nope"):
        results.get_counts("nope")


def test_a_failed_job_gives_no_result_unless_partial() -> None:
    api, _, backend = setup(max_experiments=2)
    api.failing = {"p_1_"}
    api.failing_experiments = {"c3"}
    job_set = IBMQJobManager().run(circuits(4), backend, name="p")
    with pytest.warns(UserWarning, match="experiments 2-3"):
        results = job_set.results()
    assert not results.success
    assert results.get_counts(0) == {"00": 0, "11": 4000}
    with pytest.raises(IBMQManagedResultDataNotAvailable, match="experiment 2"):
        results.get_counts(2)
    with pytest.raises(IBMQManagedResultDataNotAvailable, match="some of the jobs failed"):
        results.combine_results()

    partial = job_set.results(partial=True, refresh=True)
    assert not partial.success
    assert partial.get_counts("c2") == {"00": 0, "11": 4000}  # the failed job's good one
    with pytest.raises(QiskitError, match="ERROR: it failed"):
        partial.get_counts("c3")  # its failed experiment
    assert job_set.statuses() == [JobStatus.DONE, JobStatus.ERROR]
    messages = job_set.error_messages()
    assert messages is not None and messages.startswith("Experiments 2-3, job index=1, job ID=")
    report = job_set.report()
    assert "Successful jobs: 1" in report and "Failed jobs: 1" in report
    assert "experiments: 2-3" in report


def test_results_time_out_with_the_managers_error() -> None:
    api, _, backend = setup()
    api.never_final = True
    job_set = IBMQJobManager().run(circuits(2), backend)
    with pytest.raises(IBMQJobManagerTimeoutError, match="experiments 0-1"):
        job_set.results(timeout=30)
    assert isinstance(IBMQJobManagerTimeoutError("x"), IBMQJobManagerError)


# ------------------------------------------------------------------ the job limit


def test_submissions_wait_for_a_slot_at_the_job_limit() -> None:
    api, _, backend = setup(max_experiments=1, job_limit=2)
    job_set = IBMQJobManager(max_workers=4).run(circuits(6), backend, name="lim")
    # Only a submission waiting for a slot moves jobs on here: all six are in only if the
    # limit was met and waited out.
    assert all(job is not None for job in job_set.jobs())
    results = job_set.results()
    assert results.success
    assert [results.get_counts(i)["00"] for i in range(6)] == [0] * 6
    assert len(api.submitted) == 6
    assert api.most_active <= 2
    assert api.limit_refusals >= 1  # it was reached, and waited out rather than failed
    assert all(m.submit_error is None for m in job_set.managed_jobs())


def test_another_submission_error_is_kept_with_a_warning() -> None:
    api, _, backend = setup(max_experiments=1)
    original_submit = api.job_submit

    def refuse_second(backend_name: str, qobj: Mapping[str, Any], **kwargs: Any) -> JobRecord:
        if kwargs.get("name") == "e_1_":
            raise RequestsApiError("400 Client Error: bad Qobj", 400, code=1234)
        return original_submit(backend_name, qobj, **kwargs)

    api.job_submit = refuse_second  # type: ignore[method-assign]
    with pytest.warns(UserWarning, match="Unable to submit job for experiments 1-1"):
        job_set = IBMQJobManager().run(circuits(3), backend, name="e")
        jobs = job_set.jobs()
    assert jobs[0] is not None and jobs[1] is None and jobs[2] is not None
    assert job_set.statuses()[1] is None
    assert "job submit failed" in job_set.report()
    results = job_set.results()  # the job that does not exist has no result
    assert not results.success
    with pytest.raises(IBMQManagedResultDataNotAvailable, match="not successfully submitted"):
        results.get_counts(1)


# ------------------------------------------------------------------ retrieval


def test_a_job_set_is_retrieved_by_its_id_without_downloading_qobjs() -> None:
    api, provider, backend = setup(max_experiments=2)
    created = IBMQJobManager().run(circuits(5), backend, name="again", job_tags=["t"])
    created.results()
    set_id = created.job_set_id()

    manager = IBMQJobManager()
    retrieved = manager.retrieve_job_set(set_id, provider)
    assert isinstance(retrieved, ManagedJobSet)
    assert retrieved.name() == "again" and retrieved.tags() == ["t"]
    assert retrieved.job_set_id() == set_id
    assert [j.job_id() for j in retrieved.jobs() if j] == [j.job_id() for j in created.jobs() if j]
    assert api.filters[-1]["where"]["tags"] == {"inq": [tag_of(set_id)]}
    results = retrieved.results()
    assert results.get_counts(4) == {"00": 0, "11": 4000}
    assert results.get_counts("c3") == {"00": 1, "11": 3999}
    assert [(m.start_index, m.end_index) for m in retrieved.managed_jobs()] == [
        (0, 1),
        (2, 3),
        (4, 4),
    ]
    assert api.count("job_qobj") == 0
    assert manager.retrieve_job_set(set_id, provider) is retrieved
    assert manager.retrieve_job_set(set_id, provider, refresh=True) is not retrieved
    assert manager.job_sets(name="again") == [manager.job_sets()[0]]


def test_an_unknown_or_broken_job_set_is_refused() -> None:
    api, provider, backend = setup(max_experiments=1)
    with pytest.raises(IBMQJobManagerUnknownJobSet, match="abc"):
        IBMQJobManager().retrieve_job_set("abc", provider)
    job_set = IBMQJobManager().run(circuits(3), backend, name="gap")
    middle = job_set.jobs()[1]
    assert middle is not None
    del api.jobs[middle.job_id()]
    with pytest.raises(IBMQJobManagerInvalidStateError, match="Unable to retrieve all jobs"):
        IBMQJobManager().retrieve_job_set(job_set.job_set_id(), provider)
    last = job_set.jobs()[2]
    assert last is not None
    api.jobs[last.job_id()].name = "not-a-member"
    with pytest.raises(IBMQJobManagerInvalidStateError, match="proper job name"):
        IBMQJobManager().retrieve_job_set(job_set.job_set_id(), provider)


# ------------------------------------------------------------------ set-wide changes


def test_names_and_tags_are_updated_on_every_job() -> None:
    api, _, backend = setup(max_experiments=1)
    job_set = IBMQJobManager().run(circuits(2), backend, name="old", job_tags=["a"])
    assert job_set.update_name("new") == "new"
    assert [api.jobs[j.job_id()].name for j in job_set.jobs() if j] == ["new_0_", "new_1_"]
    api.echo_tags = None
    tags = job_set.update_tags(additional_tags=["b"])
    assert sorted(tags) == ["a", "b"]
    for job in job_set.jobs():
        assert job is not None
        assert tag_of(job_set.job_set_id()) in api.jobs[job.job_id()].tags
    with pytest.raises(IBMQJobManagerInvalidStateError, match="none of the parameters"):
        job_set.update_tags()


def test_cancel_cancels_every_job() -> None:
    api, _, backend = setup(max_experiments=1)
    api.never_final = True
    job_set = IBMQJobManager().run(circuits(3), backend)
    assert all(job is not None for job in job_set.jobs())
    job_set.cancel()
    assert api.count("job_cancel") == 3
    assert job_set.statuses() == [JobStatus.CANCELLED] * 3


def test_cancel_abandons_submissions_not_yet_sent() -> None:
    api, _, backend = setup(max_experiments=1)
    api.never_final = True
    job_set = IBMQJobManager(max_workers=1).run(circuits(20), backend)
    job_set.cancel()
    managed_jobs = job_set.managed_jobs()
    sent = [m for m in managed_jobs if m.job is not None]
    assert api.count("job_cancel") == len(sent) == len(api.submitted)
    assert all(m.status() is JobStatus.CANCELLED for m in sent)
    assert all(m.submit_error is not None for m in managed_jobs if m.job is None)
    assert len(sent) < 20  # one submission at a time: the last ones were never sent


def test_the_managers_report_covers_every_set() -> None:
    _, _, backend = setup(max_experiments=2)
    manager = IBMQJobManager()
    first = manager.run(circuits(3), backend, name="one")
    manager.run(circuits(1), backend, name="two")
    first.results()
    report = manager.report()
    assert "Total jobs: 3" in report
    assert f"Job set name: one, ID: {first.job_set_id()}" in report
    assert "Job set name: two" in report
    assert manager.report(detailed=False).count("\n") == 6


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"experiments": []}, "empty"),
        ({"experiments": ["not a circuit"]}, "Experiment 0 is not a circuit"),
        ({"experiments": 5}, "a list of circuits"),
        ({"max_experiments_per_job": 0}, "positive integer"),
        ({"job_tags": "tag"}, "list of strings"),
        ({"job_name": "x"}, "use name"),
        ({"name": 3}, "name must be a string"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(kwargs: dict[str, Any], message: str) -> None:
    api, _, backend = setup()
    arguments: dict[str, Any] = {"experiments": circuits(2), "backend": backend, **kwargs}
    with pytest.raises(IBMQJobManagerInvalidStateError, match=message):
        IBMQJobManager().run(**arguments)
    assert api.submitted == []


def test_only_ibmq_backends_are_managed() -> None:
    with pytest.raises(IBMQJobManagerInvalidStateError, match="only supports IBMQBackend"):
        IBMQJobManager().run(circuits(1), backend="sim")  # type: ignore[arg-type]


def test_job_share_level_is_ignored_with_a_warning() -> None:
    _, _, backend = setup()
    with pytest.warns(DeprecationWarning, match="job_share_level"):
        IBMQJobManager().run(circuits(1), backend, job_share_level="project").jobs()


def test_max_workers_must_be_positive() -> None:
    with pytest.raises(IBMQJobManagerInvalidStateError, match="max_workers"):
        IBMQJobManager(max_workers=0)


def _name(header: Any) -> Any:
    # qiskit 0.46's experiment headers are objects, qiskit 1 and 2's dicts.
    return header["name"] if isinstance(header, dict) else header.name


# ------------------------------------------------------------------ writing Qobjs in turns


def test_turns_let_jobs_in_order_and_survive_a_failed_turn() -> None:
    turns = Turns()
    order: list[int] = []

    def take(index: int) -> None:
        with turns.turn(index):
            order.append(index)
            if index == 1:
                raise RuntimeError("a job that could not be written")

    def safely(index: int) -> None:
        with contextlib.suppress(RuntimeError):
            take(index)

    threads = [threading.Thread(target=safely, args=(index,)) for index in (3, 1, 2, 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == [0, 1, 2, 3]


def test_abandoned_turns_wait_no_more() -> None:
    turns = Turns()
    entered = threading.Event()

    def late() -> None:
        with turns.turn(5):  # jobs 0 to 4 never come (cancelled)
            entered.set()

    thread = threading.Thread(target=late)
    thread.start()
    assert not entered.wait(0.05)
    turns.abandon()
    thread.join(10)
    assert entered.is_set()


def record_writes(monkeypatch: pytest.MonkeyPatch, log: list[str], prefix: str = "") -> None:
    """Note in ``log`` the name of each job whose Qobj a backend writes, as it starts."""
    prepare = IBMQBackend._prepare

    def record(self: IBMQBackend, experiments: Any, **kwargs: Any) -> Any:
        log.append(prefix + kwargs["job_name"])
        return prepare(self, experiments, **kwargs)

    monkeypatch.setattr(IBMQBackend, "_prepare", record)


def test_a_set_writes_its_jobs_qobjs_in_order_while_uploads_overlap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api, _, backend = setup(max_experiments=1)
    written: list[str] = []
    record_writes(monkeypatch, written)

    job_set = IBMQJobManager(max_workers=4).run(circuits(12), backend, name="turns", shots=10)

    assert len(job_set.jobs()) == 12
    assert written == [f"turns_{index}_" for index in range(12)]
    assert sorted(names[0] for names in submitted_names(api)) == sorted(f"c{i}" for i in range(12))


def test_cancelling_a_set_ends_every_submission() -> None:
    api, _, backend = setup(max_experiments=1, job_limit=1)
    api.never_final = True  # the first job holds the only slot: the others wait for it
    job_set = IBMQJobManager(max_workers=2).run(circuits(6), backend, name="held", shots=10)

    job_set.cancel()

    jobs = job_set.jobs()  # every submission has ended
    assert jobs[0] is not None and all(job is None for job in jobs[2:])


def test_the_first_job_is_uploaded_before_the_second_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api, _, backend = setup(max_experiments=1)
    events: list[str] = []
    record_writes(monkeypatch, events, "write ")
    submit = api.job_submit

    def record_submit(backend_name: str, qobj: Any, **kwargs: Any) -> Any:
        record = submit(backend_name, qobj, **kwargs)
        events.append("uploaded " + kwargs["name"])
        return record

    api.job_submit = record_submit  # type: ignore[method-assign]

    job_set = IBMQJobManager(max_workers=4).run(circuits(5), backend, name="first", shots=10)

    assert len(job_set.jobs()) == 5 and all(job is not None for job in job_set.jobs())
    assert events[:3] == ["write first_0_", "uploaded first_0_", "write first_1_"]
    assert [e for e in events if e.startswith("write")] == [f"write first_{i}_" for i in range(5)]
