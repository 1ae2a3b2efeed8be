"""A fake ``JobApi`` for unit tests: each job follows a script, one step per status query.

Jobs advance only when asked for their status (``job_status``), like a server observed
through polling; ``job_get`` reports the current step without advancing. Every call is
recorded in ``calls`` so tests can assert which requests were (not) made.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ibmqjob._api.records import (
    ErrorRecord,
    InfoQueueRecord,
    JobIdRecord,
    JobRecord,
    JobsLimitRecord,
    ProjectRef,
    QueueStatusRecord,
    StatusRecord,
    WebsocketTarget,
)
from ibmqjob.exceptions import ApiError, RequestsApiError
from ibmqjob.settings import TimeSource

FINAL = {"COMPLETED", "CANCELLED"}
CREATION = dt.datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=dt.UTC)
_ids = itertools.count(1)


def new_job_id() -> str:
    return f"{next(_ids):024x}"


def counts_experiment(index: int, ok: bool) -> dict[str, Any]:
    return {
        "shots": 1024,
        "success": ok,
        "status": "DONE" if ok else f"ERROR: experiment {index} failed",
        "data": {"counts": {"0x0": 500 + index, "0x3": 524 - index}} if ok else {},
        "header": {"name": f"circuit-{index}"},
    }


def result_document(job_id: str, successes: Sequence[bool]) -> dict[str, Any]:
    return {
        "backend_name": "ibmq_qasm_simulator",
        "backend_version": "0.1.0",
        "qobj_id": "qobj-1",
        "job_id": job_id,
        "success": all(successes),
        "date": "2024-05-01T12:05:00Z",
        "status": "COMPLETED" if all(successes) else "PARTIAL COMPLETED",
        "results": [counts_experiment(i, ok) for i, ok in enumerate(successes)],
    }


def queue_info(position: int) -> dict[str, Any]:
    return {
        "status": "PENDING_IN_QUEUE",
        "position": position,
        "estimatedStartTime": "2024-05-01T12:10:00Z",
        "estimatedCompleteTime": "2024-05-01T12:20:00Z",
        "hubPriority": 0.5,
        "groupPriority": 0.25,
        "projectPriority": 0.125,
    }


@dataclass
class FakeJob:
    job_id: str
    script: list[tuple[str, dict[str, Any] | None]]
    kind: str | None = "q-object-external-storage"
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    name: str | None = None
    tags: list[str] = field(default_factory=list)
    qobj: dict[str, Any] | None = None
    properties: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    run_mode: str | None = None
    index: int = 0
    cancellable: bool = True

    @property
    def current(self) -> tuple[str, dict[str, Any] | None]:
        return self.script[self.index]

    def advance(self) -> None:
        if self.index < len(self.script) - 1:
            self.index += 1

    @property
    def done(self) -> bool:
        status = self.current[0]
        return status in FINAL or status.startswith("ERROR")


class FakeJobApi:
    """Scripted, in-memory implementation of ``ibmqjob._api.JobApi``."""

    def __init__(self) -> None:
        self.jobs: dict[str, FakeJob] = {}
        self.calls: list[tuple[str, str]] = []
        self.failures: dict[str, list[ApiError]] = {}
        self.echo_name: str | None = None
        self.echo_tags: list[str] | None = None
        self.websocket: WebsocketTarget | None = None
        self.result_downloaded_error: ApiError | None = None
        self.result_urls: list[str | None] = []  # the ``url`` of each ``job_result`` call
        self.time = TimeSource()

    # -------------------------------------------------------------- scripting

    def add(
        self,
        statuses: Sequence[str | tuple[str, dict[str, Any] | None]],
        **attributes: Any,
    ) -> str:
        job_id = attributes.pop("job_id", None) or new_job_id()
        script = [(s, None) if isinstance(s, str) else s for s in statuses]
        self.jobs[job_id] = FakeJob(job_id, script, **attributes)
        return job_id

    def fail(self, method: str, *errors: ApiError) -> None:
        self.failures.setdefault(method, []).extend(errors)

    def count(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)

    # -------------------------------------------------------------- JobApi

    def _enter(self, method: str, job_id: str) -> FakeJob:
        self.calls.append((method, job_id))
        pending = self.failures.get(method)
        if pending:
            raise pending.pop(0)
        if job_id not in self.jobs:
            raise RequestsApiError(
                f"404 Client Error: Not Found. Job {job_id} not found, Error code: 3250.",
                404,
                code=3250,
                server_message=f"Job {job_id} not found",
            )
        return self.jobs[job_id]

    def job_get(self, job_id: str) -> JobRecord:
        job = self._enter("job_get", job_id)
        status, info = job.current
        inline = job.kind != "q-object-external-storage"
        return JobRecord(
            job_id=job.job_id,
            creation_date=CREATION,
            status=status,
            kind=job.kind,
            backend_name="ibmq_qasm_simulator",
            name=job.name,
            tags=tuple(job.tags),
            time_per_step={"CREATING": CREATION, status: CREATION + dt.timedelta(seconds=1)},
            error=None if job.error is None or not job.done else ErrorRecord(**job.error),
            run_mode=job.run_mode,
            client_info={"name": "ibmqjob", "version": "0.1.0"},
            info_queue=InfoQueueRecord.from_wire(info) if status == "QUEUED" else None,
            qobj=job.qobj if inline else None,
            result=job.result if inline and job.done else None,
            extra=dict(job.extra),
        )

    def job_status(self, job_id: str) -> StatusRecord:
        job = self._enter("job_status", job_id)
        job.advance()
        status, info = job.current
        return StatusRecord(status, InfoQueueRecord.from_wire(info) if info else None)

    def job_cancel(self, job_id: str) -> bool:
        job = self._enter("job_cancel", job_id)
        if job.done or not job.cancellable:
            return False
        job.script = [*job.script[: job.index + 1], ("CANCELLED", None)]
        return True

    def job_result(self, job_id: str, url: str | None = None) -> dict[str, Any]:
        job = self._enter("job_result", job_id)
        self.result_urls.append(url)
        if job.result is None or not job.done:
            raise RequestsApiError("404 Client Error: no result for this job.", 404)
        return dict(job.result)

    def job_result_downloaded(self, job_id: str) -> None:
        self._enter("job_result_downloaded", job_id)
        if self.result_downloaded_error is not None:
            raise self.result_downloaded_error

    def job_qobj(self, job_id: str) -> dict[str, Any]:
        job = self._enter("job_qobj", job_id)
        if job.qobj is None:
            raise RequestsApiError("404 Client Error: no Qobj for this job.", 404)
        return dict(job.qobj)

    def job_properties(self, job_id: str) -> dict[str, Any] | None:
        job = self._enter("job_properties", job_id)
        return None if job.properties is None else dict(job.properties)

    def job_update_name(self, job_id: str, name: str) -> str | None:
        job = self._enter("job_update_name", job_id)
        job.name = name
        return name if self.echo_name is None else self.echo_name

    def job_update_tags(self, job_id: str, tags: list[str]) -> list[str] | None:
        job = self._enter("job_update_tags", job_id)
        job.tags = list(tags)
        return list(reversed(tags)) if self.echo_tags is None else self.echo_tags

    def job_websocket(self, job_id: str) -> WebsocketTarget | None:
        return self.websocket


class FakeClock:
    """A monotonic clock and a sleep that only moves it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def make_job(api: FakeJobApi, job_id: str, clock: FakeClock | None = None, **kwargs: Any) -> Any:
    """Build an ``IBMQJob`` for a scripted job, as the backend would after a retrieval."""
    from ibmqjob.job import IBMQJob

    if clock is not None:
        api.time = TimeSource(sleep=clock.sleep, clock=clock)
    job = IBMQJob._from_record("backend", api, api.job_get(job_id), **kwargs)
    api.calls.clear()
    return job


def configuration(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "backend_name": name,
        "backend_version": "1.0.0",
        "n_qubits": 2,
        "basis_gates": ["u3", "cx"],
        "gates": [{"name": "cx", "parameters": [], "qasm_def": "gate cx q1,q2 { CX q1,q2; }"}],
        "local": False,
        "simulator": True,
        "conditional": False,
        "open_pulse": False,
        "memory": True,
        "max_shots": 8192,
        "coupling_map": None,
        **extra,
    }


class FakeProjectApi(FakeJobApi):
    """A fake ``ProjectApi``: the job calls of ``FakeJobApi``, listing and device calls
    from fixed data."""

    def __init__(self, configurations: Sequence[Mapping[str, Any]] = ()) -> None:
        super().__init__()
        self.configurations = [dict(c) for c in configurations]
        self.pages: list[list[JobRecord]] = []
        self.filters: list[dict[str, Any]] = []
        self.backends_error: Exception | None = None
        self.jobs_error: Exception | None = None
        self.submit_script: list[str] = ["QUEUED", "RUNNING", "COMPLETED"]
        self.submitted: list[tuple[str, dict[str, Any]]] = []

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
        job_id = self.add(self.submit_script, name=name, tags=list(tags or ()))
        self.jobs[job_id].result = result_document(job_id, [True])
        self.submitted.append((backend_name, dict(qobj)))
        return self.job_get(job_id)

    def jobs_page(self, loopback_filter: Mapping[str, Any]) -> list[JobRecord]:
        self.filters.append(json.loads(json.dumps(loopback_filter)))
        if self.jobs_error is not None:
            raise self.jobs_error
        return self.pages.pop(0) if self.pages else []

    def job_ids_page(self, loopback_filter: Mapping[str, Any]) -> list[JobIdRecord]:
        return []

    def backends(self) -> list[dict[str, Any]]:
        self.calls.append(("backends", ""))
        if self.backends_error is not None:
            raise self.backends_error
        return [dict(c) for c in self.configurations]

    def backend_properties(
        self, backend_name: str, before: dt.datetime | None
    ) -> dict[str, Any] | None:
        return None

    def backend_defaults(self, backend_name: str) -> dict[str, Any] | None:
        return None

    def backend_status(self, backend_name: str) -> QueueStatusRecord:
        return QueueStatusRecord(True, "active", 0, None)

    def backend_job_limit(self, backend_name: str) -> JobsLimitRecord:
        return JobsLimitRecord(None, 0)

    @property
    def ref(self) -> ProjectRef:
        return ProjectRef("h", "g", "p")

    def job_delete(self, job_id: str) -> None:
        self.calls.append(("delete", job_id))
        self.jobs.pop(job_id, None)

    def backend_reservations(
        self, backend_name: str, since: dt.datetime | None, until: dt.datetime | None
    ) -> list[dict[str, Any]]:
        return []

    def my_reservations(self) -> list[dict[str, Any]]:
        return []
