"""Validation and per-backend execution queues, worked by background threads.

One validator thread takes jobs through ``VALIDATING`` and ``VALIDATED`` into
their backend's queue (``QUEUED``). Each backend has a FIFO queue and one worker
thread that runs its jobs one at a time (``RUNNING``) on the simulator and
stores the result (``COMPLETED`` or ``ERROR_RUNNING_JOB``). On start, jobs left
in progress by a previous run of the server are put back where they were.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sortedcontainers import SortedList

from refserver import errors, statuses
from refserver.calibrations import CalibrationBook
from refserver.config import ServerConfig
from refserver.devices import Device, DeviceCatalog
from refserver.lifecycle import Transitions
from refserver.objects import ObjectStore
from refserver.simulation import Simulation
from refserver.store import JobRecord, Store
from refserver.timeutil import format_instant, utc_now
from refserver.users import Priority
from refserver.validation import QobjRejected, validate_qobj

logger = logging.getLogger(__name__)


class BackendQueue:
    """The waiting jobs of one backend and the job it is running.

    The waiting jobs are a sorted list (a B-tree-like ``SortedList``) of ``(key, job id)``
    plus a map from job id to key, so adding, removing, taking the head and finding a
    job's position all take O(log n): status documents and websocket frames of queued
    jobs stay cheap however long the queue. Use under :attr:`condition`.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.condition = threading.Condition()
        self.waiting: SortedList = SortedList()
        self._keys: dict[str, tuple[int, int]] = {}
        self.running: str | None = None
        self.paused = False
        self.interrupt = threading.Event()
        self.average_run = 0.0

    def push(self, key: tuple[int, int], job_id: str) -> None:
        """Add a job; the queue stays ordered by ``key``."""
        with self.condition:
            if job_id not in self._keys and job_id != self.running:
                self._keys[job_id] = key
                self.waiting.add((key, job_id))
            self.condition.notify_all()

    def discard(self, job_id: str) -> None:
        """Remove a job; interrupt it if it is running."""
        with self.condition:
            key = self._keys.pop(job_id, None)
            if key is not None:
                self.waiting.remove((key, job_id))
            if self.running == job_id:
                self.interrupt.set()
            self.condition.notify_all()

    def head(self) -> str | None:
        """The job that runs next, or None."""
        with self.condition:
            return str(self.waiting[0][1]) if self.waiting else None

    def pop_head(self) -> str:
        """Take the job that runs next out of the queue."""
        with self.condition:
            _key, job_id = self.waiting.pop(0)
            del self._keys[job_id]
            return str(job_id)

    def position(self, job_id: str) -> int | None:
        """1-based position of a waiting job, or None when it is not waiting."""
        with self.condition:
            key = self._keys.get(job_id)
            return None if key is None else int(self.waiting.index((key, job_id))) + 1


class Scheduler:
    """Runs jobs from ``VALIDATING`` to a final status.

    Args:
        store: the database.
        objects: stored Qobjs and results.
        transitions: status changes.
        devices: the backends.
        calibrations: calibration history of the devices.
        simulation: the simulator.
        config: server settings (delays).
        priorities: the hub/group/project priorities of a job's project.
    """

    def __init__(
        self,
        store: Store,
        objects: ObjectStore,
        transitions: Transitions,
        devices: DeviceCatalog,
        calibrations: CalibrationBook,
        simulation: Simulation,
        config: ServerConfig,
        priorities: Callable[[JobRecord], Priority],
    ) -> None:
        self._store = store
        self._objects = objects
        self._transitions = transitions
        self._devices = devices
        self._calibrations = calibrations
        self._simulation = simulation
        self._config = config
        self._priorities = priorities
        self._validation: queue.Queue[str | None] = queue.Queue()
        self._queues = {device.name: BackendQueue(device.name) for device in devices.all()}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sequence = itertools.count(store.max_queue_seq() + 1)
        self._sequence_lock = threading.Lock()
        # Qobjs and circuits of validated jobs (with their input's size), so running them
        # parses and converts nothing again; bounded in jobs and in input bytes.
        self._prepared: OrderedDict[str, tuple[dict[str, Any], list[Any], int]] = OrderedDict()
        self._prepared_bytes = 0
        self._prepared_lock = threading.Lock()

    # -- control ----------------------------------------------------------------------------

    def start(self) -> None:
        """Resume the jobs a previous run left in progress, then start the threads."""
        self._recover()
        threads = [
            threading.Thread(target=self._validate_loop, name="refserver-validator"),
            threading.Thread(target=self._expire_loop, name="refserver-orphans"),
        ]
        threads += [
            threading.Thread(target=self._work_loop, args=(q,), name="refserver-worker-" + q.name)
            for q in self._queues.values()
        ]
        for thread in threads:
            thread.daemon = True
            thread.start()
        self._threads = threads

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the threads; jobs in progress stay in progress and resume on the next start."""
        self._stop.set()
        self._validation.put(None)
        for backend_queue in self._queues.values():
            with backend_queue.condition:
                backend_queue.interrupt.set()
                backend_queue.condition.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def validate_later(self, job_id: str) -> None:
        """Queue a job that just entered ``VALIDATING``."""
        self._validation.put(job_id)

    def forget(self, record: JobRecord) -> None:
        """Take a cancelled or deleted job out of its backend's queue."""
        backend_queue = self._queues.get(record.backend)
        if backend_queue is not None:
            backend_queue.discard(record.id)
        self._forget_prepared(record.id)

    def _forget_prepared(self, job_id: str) -> tuple[dict[str, Any], list[Any], int] | None:
        """Take a job's decoded Qobj and circuits out of the kept ones (``None``: not kept)."""
        with self._prepared_lock:
            prepared = self._prepared.pop(job_id, None)
            if prepared is not None:
                self._prepared_bytes -= prepared[2]
        return prepared

    def set_maintenance(self, backend: str, on: bool) -> None:
        """Pause (or resume) running the jobs of a backend; jobs still queue up.

        Raises:
            KeyError: no such backend.
        """
        backend_queue = self._queues[backend]
        with backend_queue.condition:
            backend_queue.paused = on
            backend_queue.condition.notify_all()

    def operational(self, backend: str) -> bool:
        """Whether the backend runs jobs (not in maintenance)."""
        return not self._queues[backend].paused

    def queue_length(self, backend: str) -> int:
        """Number of jobs waiting for the backend."""
        backend_queue = self._queues[backend]
        with backend_queue.condition:
            return len(backend_queue.waiting)

    def queue_info(self, record: JobRecord) -> dict[str, Any] | None:
        """The ``infoQueue`` of a waiting job, or None when it is not waiting."""
        backend_queue = self._queues.get(record.backend)
        if backend_queue is None:
            return None
        with backend_queue.condition:
            position = backend_queue.position(record.id)
            busy = backend_queue.running is not None
            average = backend_queue.average_run
        if position is None:
            return None
        per_job = self._config.step_delay + max(self._config.run_delay, average)
        start = utc_now() + timedelta(
            seconds=(position - 1 + busy) * per_job + self._config.step_delay
        )
        priority = self._priorities(record)
        return {
            "status": statuses.PENDING_IN_QUEUE,
            "position": position,
            "estimatedStartTime": format_instant(start),
            "estimatedCompleteTime": format_instant(start + timedelta(seconds=per_job)),
            "hubPriority": priority.hub,
            "groupPriority": priority.group,
            "projectPriority": priority.project,
        }

    # -- recovery ---------------------------------------------------------------------------

    def _recover(self) -> None:
        # A job submitted just before the server stopped may not have reached VALIDATING.
        for record in self._store.jobs_in_status({statuses.CREATED}):
            if record.data_uploaded:
                self._transitions.advance(record.id, {statuses.CREATED}, statuses.VALIDATING)
        for record in self._store.jobs_in_status({statuses.VALIDATING, statuses.VALIDATED}):
            self._validation.put(record.id)
        for record in self._store.jobs_in_status({statuses.QUEUED, statuses.RUNNING}):
            backend_queue = self._queues.get(record.backend)
            if backend_queue is None:
                self._fail_unknown_backend(record.id, {statuses.QUEUED, statuses.RUNNING})
                continue
            first = 0 if record.status == statuses.RUNNING else 1
            backend_queue.push((first, record.queue_seq or 0), record.id)
        logger.info("resumed jobs in progress")

    # -- orphans ----------------------------------------------------------------------------

    def expire_orphans(self) -> list[str]:
        """End the jobs whose upload was not confirmed within the upload URL's lifetime.

        A job stays in ``CREATING`` until ``jobDataUploaded``; when the client never
        sends it (for example because the answer to ``POST /Jobs`` was lost), the job
        would count against the job limit forever. Once its upload URL has expired
        nothing can complete it, so it ends in ``ERROR_CREATING_JOB``.

        Returns:
            The ids of the jobs ended.
        """
        cutoff = format_instant(utc_now() - timedelta(seconds=self._config.url_ttl))
        ended = []
        for job_id in self._store.creating_before(cutoff):
            expired = self._transitions.advance(
                job_id,
                {statuses.CREATING},
                statuses.ERROR_CREATING_JOB,
                _set_error(
                    "The job was not submitted: its data upload was not confirmed"
                    f" (jobDataUploaded) within the upload URL's lifetime of"
                    f" {self._config.url_ttl} s",
                    errors.UPLOAD_EXPIRED,
                ),
            )
            if expired is not None:
                ended.append(job_id)
        if ended:
            logger.info("ended %d job(s) whose upload was never confirmed", len(ended))
        return ended

    def _expire_loop(self) -> None:
        # At least every 30 s, and ten times per URL lifetime for short lifetimes (tests).
        period = min(30.0, max(0.05, self._config.url_ttl / 10))
        while True:
            try:
                self.expire_orphans()
            except Exception:
                logger.exception("expiring jobs left in CREATING failed")
            if self._stop.wait(period):
                return

    # -- validation -------------------------------------------------------------------------

    def _validate_loop(self) -> None:
        while not self._stop.is_set():
            job_id = self._validation.get()
            if job_id is None:
                return
            try:
                self._validate(job_id)
            except Exception:
                logger.exception("validation of job %s failed", job_id)
                self._transitions.advance(
                    job_id,
                    {statuses.VALIDATING, statuses.VALIDATED},
                    statuses.ERROR_VALIDATING_JOB,
                    _set_error("Error during the validation process of a job", 1008),
                )

    def _validate(self, job_id: str) -> None:
        record = self._store.get_job(job_id)
        if record is None or record.deleted:
            return
        device = self._devices.get(record.backend)
        if device is None:
            self._fail_unknown_backend(job_id, {statuses.VALIDATING, statuses.VALIDATED})
            return
        if record.status == statuses.VALIDATING:
            if self._stop.wait(self._config.step_delay):
                return
            data = self._objects.get(job_id, "qobj") or b""
            try:
                accepted = validate_qobj(data, device)
            except QobjRejected as rejection:
                self._transitions.advance(
                    job_id,
                    {statuses.VALIDATING},
                    statuses.ERROR_VALIDATING_JOB,
                    _set_error(rejection.message, rejection.code),
                )
                return
            summary = {"size": {"input": len(data)}, "summary": accepted.summary}
            if len(data) <= _PREPARED_MAX_BYTES:
                with self._prepared_lock:
                    self._prepared[job_id] = (accepted.qobj, list(accepted.circuits), len(data))
                    self._prepared_bytes += len(data)
                    while (
                        len(self._prepared) > _PREPARED_MAX_JOBS
                        or self._prepared_bytes > _PREPARED_TOTAL_BYTES
                    ):
                        self._prepared_bytes -= self._prepared.popitem(last=False)[1][2]

            def accept(job: JobRecord) -> None:
                job.summary, job.shots = summary, accepted.shots

            if not self._config.step_delay:
                # No time spent in VALIDATED: one write takes the job through it to QUEUED.
                self._enqueue(job_id, device, statuses.VALIDATING, accept)
                return
            if (
                self._transitions.advance(job_id, {statuses.VALIDATING}, statuses.VALIDATED, accept)
                is None
            ):
                return
        if self._stop.wait(self._config.step_delay):
            return
        self._enqueue(job_id, device, statuses.VALIDATED)

    def _enqueue(
        self,
        job_id: str,
        device: Device,
        current: str,
        change: Callable[[JobRecord], None] | None = None,
    ) -> None:
        # From ``current`` (VALIDATED, or VALIDATING through VALIDATED) to QUEUED.
        with self._sequence_lock:
            sequence = next(self._sequence)
        backend_queue = self._queues[device.name]

        def enqueue(job: JobRecord) -> None:
            if change is not None:
                change(job)
            job.queue_seq = sequence
            backend_queue.push((1, sequence), job.id)

        via = [statuses.VALIDATED] if current == statuses.VALIDATING else []
        self._transitions.advance(job_id, {current}, statuses.QUEUED, enqueue, via=via)

    def _fail_unknown_backend(self, job_id: str, expected: set[str]) -> None:
        self._transitions.advance(
            job_id,
            expected,
            statuses.ERROR_VALIDATING_JOB,
            _set_error("Backend not found", errors.VALIDATION_FAILED),
        )

    # -- execution --------------------------------------------------------------------------

    def _work_loop(self, backend_queue: BackendQueue) -> None:
        while True:
            job_id = self._next_job(backend_queue)
            if job_id is None:
                return
            try:
                self._execute(backend_queue, job_id)
            except Exception:
                logger.exception("execution of job %s failed", job_id)
                self._transitions.advance(
                    job_id,
                    {statuses.RUNNING},
                    statuses.ERROR_RUNNING_JOB,
                    _set_error("API Internal error", errors.INTERNAL_ERROR),
                )
            finally:
                with backend_queue.condition:
                    backend_queue.running = None
                    backend_queue.condition.notify_all()

    def _next_job(self, backend_queue: BackendQueue) -> str | None:
        while not self._stop.is_set():
            with backend_queue.condition:
                while not self._stop.is_set() and (
                    backend_queue.paused or not backend_queue.waiting
                ):
                    backend_queue.condition.wait(0.5)
                if self._stop.is_set():
                    return None
                head = backend_queue.head()
            # The head of the queue waits one step before it runs, so QUEUED is observable.
            if self._stop.wait(self._config.step_delay):
                return None
            with backend_queue.condition:
                if backend_queue.paused or head is None or backend_queue.head() != head:
                    continue
                backend_queue.pop_head()
                backend_queue.running = head
                backend_queue.interrupt.clear()
                return head
        return None

    def _execute(self, backend_queue: BackendQueue, job_id: str) -> None:
        device = self._devices.get(backend_queue.name)
        assert device is not None
        calibration = self._calibrations.current(device)

        def start(job: JobRecord) -> None:
            job.calibration_id = calibration[0] if calibration else None

        if (
            self._transitions.advance(
                job_id, {statuses.QUEUED, statuses.RUNNING}, statuses.RUNNING, start
            )
            is None
        ):
            return
        started = time.monotonic()
        if backend_queue.interrupt.wait(self._config.run_delay):
            return  # cancelled, deleted or the server is stopping (the job then resumes later)
        prepared = self._forget_prepared(job_id)
        if prepared is not None:
            qobj, circuits, _ = prepared
            result, data = self._simulation.run_encoded(
                qobj, device, calibration, job_id, circuits or None
            )
        else:
            qobj = json.loads(self._objects.get(job_id, "qobj") or b"{}")
            result, data = self._simulation.run_encoded(qobj, device, calibration, job_id)
        inline = self._objects.inline(job_id, "result", data)
        if not inline:
            self._objects.put(job_id, "result", data)
        elapsed = time.monotonic() - started
        backend_queue.average_run = (
            0.7 * backend_queue.average_run + 0.3 * elapsed
            if backend_queue.average_run
            else elapsed
        )
        final = statuses.COMPLETED if result["success"] else statuses.ERROR_RUNNING_JOB
        # A small result is stored with the final status, in one transaction (and not at
        # all when the job was cancelled meanwhile).
        if (
            self._transitions.advance(
                job_id,
                {statuses.RUNNING},
                final,
                _finish(result, len(data)),
                objects={"result": data} if inline else None,
            )
            and inline
        ):
            self._objects.stored_inline(job_id, "result")


_PREPARED_MAX_BYTES = 4 << 20
"""Largest Qobj (JSON bytes) whose decoded form is kept from validation to the run."""
_PREPARED_TOTAL_BYTES = 32 << 20
"""Most JSON bytes of the Qobjs kept decoded at once (their objects take a few times more)."""
_PREPARED_MAX_JOBS = 512


def _set_error(message: str, code: int) -> Callable[[JobRecord], None]:
    def change(job: JobRecord) -> None:
        job.error = errors.job_error(message, code)

    return change


def _finish(result: dict[str, Any], size: int) -> Callable[[JobRecord], None]:
    failed = [i for i, e in enumerate(result["results"]) if not e.get("success")]

    def change(job: JobRecord) -> None:
        job.result_stored = True
        summary = dict(job.summary or {})
        summary["size"] = {**summary.get("size", {}), "output": size}
        summary["success"] = not failed
        summary["resultTime"] = result.get("time_taken", 0.0)
        job.summary = summary
        if failed:
            reason = str(result["results"][failed[0]].get("status", ""))[:300]
            job.error = errors.job_error(
                "Error raised when execution on Aer failed: "
                f"{len(failed)} of {len(result['results'])} experiments failed"
                f" (experiment {failed[0]}: {reason})",
                errors.EXECUTION_FAILED,
            )

    return change
