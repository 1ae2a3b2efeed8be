"""``IBMQJob``: a job on a server that speaks the IBM Quantum job API.

A job holds the latest job document the server sent (a :class:`~ibmqjob._api.records.JobRecord`,
replaced by :meth:`IBMQJob.refresh`), the status and queue information observed since, and
its decoded Qobj and result. Accessors read the record. Talking to the server goes through a
:class:`~ibmqjob._api.JobApi`; waiting through :mod:`ibmqjob._wait` (websocket, then
polling); result rules live in :mod:`ibmqjob._results`, status mapping in
:mod:`ibmqjob.status`, the legacy constructor and ``to_dict()``/``from_dict()`` forms in
:mod:`ibmqjob._jobdict`. The class contains no HTTP. Every ``ApiError`` is translated into
``IBMQJobApiError`` here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Self

from qiskit.providers import JobStatus, JobV1
from qiskit.result import Result

from . import _jobdict as jobdict
from . import _qiskit
from ._api import JobApi
from ._api.deadline import deadline_scope
from ._api.records import ErrorRecord, JobRecord, StatusRecord
from ._api.websocket import StatusWebsocket
from ._decode import decode_properties, decode_qobj
from ._qobj import QobjEncodingError
from ._results import OBJECT_STORAGE_KIND, ResultContext, ResultStore, choose_error_message
from ._tags import tags_to_update
from ._time import utc_to_local
from ._wait import CallbackDispatcher, wait_for_final_status
from .exceptions import (
    ApiError,
    IBMQJobApiError,
    IBMQJobInvalidStateError,
    IBMQJobTimeoutError,
    UserTimeoutExceededError,
)
from .queueinfo import QueueInfo, status_and_queue_info
from .settings import TimeSource
from .status import is_final

__all__ = ["IBMQJob", "api_to_job_error"]

logger = logging.getLogger(__name__)

JobCallback = Callable[..., None]


@contextmanager
def api_to_job_error(prefix: str = "") -> Iterator[None]:
    """Translate ``ApiError`` into ``IBMQJobApiError`` (the one place where it happens).

    A request cut short by the deadline of the blocking call in progress
    (``UserTimeoutExceededError``) is left to that call, which raises ``IBMQJobTimeoutError``.
    """
    try:
        yield
    except UserTimeoutExceededError:
        raise
    except ApiError as err:
        raise IBMQJobApiError(prefix + err.message) from err


class IBMQJob(JobV1):  # type: ignore[misc]  # qiskit ships no type information
    """Representation of a job that executes on an IBM Quantum backend.

    ``backend.run()`` returns one. :meth:`status` queries the server (unless the job is
    final), :meth:`result` blocks until the job is final and returns a qiskit ``Result``.
    Server and network failures raise :class:`~ibmqjob.exceptions.IBMQJobApiError`.

    Job attributes the class does not model are kept and readable with a trailing
    underscore, e.g. ``job.summary_data_``. A job from a listing (``backend.jobs()``) holds
    what its accessors read (status, name, tags, error, queue position, what ``result()``
    needs); reading one of those other attributes, ``to_dict()`` or ``time_per_step()``
    fetches its full document once.

    A job rebuilt with :meth:`from_dict` talks to the server once given a backend and an API
    (``IBMQJob.from_dict(data, backend=backend, api=api)``, or ``job._attach(backend, api)``).
    """

    _stale = False
    _result_url: str | None = None
    _frame_document: Mapping[str, Any] | None = None

    def __init__(
        self,
        backend: Any,
        api: JobApi | None,
        job_id: str,
        creation_date: str | dt.datetime,
        status: str,
        kind: str | None = None,
        name: str | None = None,
        time_per_step: Mapping[str, str | dt.datetime] | None = None,
        result: Mapping[str, Any] | Result | None = None,
        qobj: Mapping[str, Any] | Any = None,
        error: Mapping[str, Any] | ErrorRecord | None = None,
        tags: list[str] | None = None,
        run_mode: str | None = None,
        **kwargs: Any,
    ) -> None:
        """IBMQJob constructor.

        Args:
            backend: The backend instance used to run this job (``None``: attach later).
            api: Object for connecting to the server (``None``: attach later).
            job_id: Job ID.
            creation_date: Job creation date, UTC (ISO-8601 string or datetime).
            status: Job status returned by the server (an API status string).
            kind: Job type.
            name: Job name.
            time_per_step: Time spent for each processing step (UTC).
            result: Job result (a result document or a ``Result``).
            qobj: Qobj for this job.
            error: Job error (``{"message": str, "code": int}``).
            tags: Job tags.
            run_mode: Scheduling mode the job runs in.
            kwargs: Additional job attributes. ``info_queue``, ``client_info`` and
                ``experiment_id`` are understood; the others are kept and readable as
                ``<name>_`` attributes.

        Raises:
            IBMQJobApiError: If a date, the queue information or the Qobj is malformed.
        """
        record = jobdict.record_from_kwargs(
            job_id,
            creation_date,
            status,
            kind=kind,
            name=name,
            time_per_step=time_per_step,
            result=result if isinstance(result, Mapping) else None,
            qobj=qobj if isinstance(qobj, Mapping) else None,
            error=error,
            tags=tags,
            run_mode=run_mode,
            **kwargs,
        )
        self._start(backend, api, record, None if isinstance(qobj, Mapping) else qobj)
        if isinstance(result, Result):
            self._results.result = result

    def _start(
        self,
        backend: Any,
        api: JobApi | None,
        record: JobRecord,
        qobj: Mapping[str, Any] | Any,
    ) -> None:
        super().__init__(backend, record.job_id)
        self._api = api
        self._time = TimeSource() if api is None else api.time
        self._poll_interval = 5.0
        self._record = record
        self._observed = StatusRecord(record.status, record.info_queue)
        self._status, self._queue_info = status_and_queue_info(
            record.status, record.info_queue, record.job_id
        )
        if qobj is None and record.qobj is not None:
            qobj = self._decode_qobj(record.qobj)  # a server's document: checked now
        # The Qobj document a job was submitted with (backend.run) becomes a Qobj object
        # only when asked for (qobj(), circuits(), to_dict()): for a job of hundreds of
        # experiments that is most of the client's work after the upload.
        self._qobj_document: Mapping[str, Any] | None = None
        if isinstance(qobj, Mapping):
            self._qobj_document, qobj = qobj, None
        self._qobj = qobj
        self._results = ResultStore()
        if record.result is not None:
            self._results.set_raw(self._result_context(), record.result)
        self._job_error_msg: str | None = None
        self._refreshed = False
        # True when the document held lacks fields: the job was seen final (on the websocket)
        # after its document was read, or was listed with a projection (the record is
        # partial). The fields it may lack (end date, time per step, extra attributes) are
        # then fetched on first access.
        self._stale = record.partial
        # The signed URL of the result a final websocket frame carried, if any (optional
        # protocol extension); the result is then downloaded without asking for a URL.
        self._result_url: str | None = None
        # The job document such a frame carried, decoded when a field it holds is first
        # read (the result is downloaded first): it stands in for the fetch a stale job does.
        self._frame_document: Mapping[str, Any] | None = None

    # ------------------------------------------------------------------ construction

    @classmethod
    def _from_record(
        cls,
        backend: Any,
        api: JobApi | None,
        record: JobRecord,
        *,
        qobj: Mapping[str, Any] | Any = None,
    ) -> Self:
        """Build a job from a job document decoded by the API layer.

        Args:
            backend: The backend of the job.
            api: The API to talk to the server.
            record: The job document; the job holds it as is.
            qobj: The Qobj (object or document), when the caller has it already
                (``backend.run``); else the record's, decoded.

        Returns:
            The job.

        Raises:
            IBMQJobApiError: If the record's Qobj is malformed.
        """
        job = cls.__new__(cls)
        job._start(backend, api, record, qobj)
        return job

    def _attach(self, backend: Any, api: JobApi) -> None:
        """Attach a backend and an API to a job built without them (e.g. by ``from_dict``)."""
        self._backend = backend
        self._api = api
        self._time = api.time

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, backend: Any = None, api: JobApi | None = None
    ) -> Self:
        """Deserialize a dictionary of simple types into an instance of this class.

        Args:
            data: What :meth:`to_dict` returned.
            backend: The backend to attach (keyword only; may be attached later).
            api: The API to attach (keyword only; may be attached later).

        Returns:
            The job. Without an API it answers from its cached state and raises
            ``IBMQJobInvalidStateError`` when it would need the server.

        Raises:
            IBMQJobInvalidStateError: If ``data`` lacks ``job_id``, ``creation_date`` or
                ``status``.
        """
        return cls(backend, api, **jobdict.kwargs_from_dict(data))

    def to_dict(self) -> dict[str, Any]:
        """Serialize the model into a Python dict of simple types.

        The dict is JSON-safe; :meth:`from_dict` rebuilds an equivalent job from it.

        Returns:
            The job's attributes (times in UTC, ISO-8601).

        Raises:
            IBMQJobApiError: If the job's final document could not be fetched.
        """
        self._fetch_if_stale()
        raw_result = self._results.raw
        if raw_result is None and self._results.result is not None:
            raw_result = self._results.result.to_dict()
        qobj = self._held_qobj()
        return jobdict.job_dict(
            self._record,
            self._observed.status,
            self._observed.info_queue if self._queue_info is not None else None,
            None if qobj is None else qobj.to_dict(),
            raw_result,
        )

    # ------------------------------------------------------------------ plain accessors

    def backend(self) -> Any:
        """Return the backend where this job was executed.

        Raises:
            IBMQJobInvalidStateError: If no backend is attached.
        """
        if self._backend is None:
            raise IBMQJobInvalidStateError(f"Job {self.job_id()} is not attached to a backend.")
        return self._backend

    def job_id(self) -> str:
        """Return the job ID assigned by the server."""
        return self._record.job_id

    def name(self) -> str | None:
        """Return the name assigned to this job, or ``None``."""
        return self._record.name

    def tags(self) -> list[str]:
        """Return a copy of the tags assigned to this job."""
        return list(self._record.tags)

    def creation_date(self) -> dt.datetime:
        """Return job creation date, in local time."""
        return utc_to_local(self._record.creation_date)

    def submit(self) -> None:
        """Unsupported: jobs are submitted by ``IBMQBackend.run()``, which returns the job.

        Raises:
            NotImplementedError: Always.
        """
        raise NotImplementedError(
            "job.submit() is not supported. Please use IBMQBackend.run() to submit a job."
        )

    @property
    def client_version(self) -> dict[str, str]:
        """Return the version of the client that submitted the job (``{name: version}``)."""
        self._adopt_frame_document()
        if not self._record.client_info and not self._refreshed and self._api is not None:
            self.refresh()
        return jobdict.client_version(self._record.client_info)

    @property
    def experiment_id(self) -> str | None:
        """Return the ID of the experiment this job is part of, if any."""
        self._adopt_frame_document()
        if not self._record.experiment_id and not self._refreshed and self._api is not None:
            self.refresh()
        return self._record.experiment_id

    def refresh(self) -> None:
        """Obtain the latest job information from the server.

        The job document replaces the one the job held; a status older than the one
        observed (a final job never leaves its final state) is ignored.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        api = self._require_api()
        with api_to_job_error("Unexpected return value received from the server: "):
            record = api.job_get(self.job_id())
        self._adopt(record)

    def _adopt(self, record: JobRecord) -> None:
        """Hold a job document just received from the server (see :meth:`refresh`)."""
        if record.kind is None and self._record.kind is not None:
            record = dataclasses.replace(record, kind=self._record.kind)
        if record.qobj is not None:
            self._qobj, self._qobj_document = self._decode_qobj(record.qobj), None
        self._record = record
        self._frame_document = None  # older than, or the same as, this document
        self._apply_status(StatusRecord(record.status, record.info_queue))
        if record.result is not None:
            self._results.set_raw(self._result_context(), record.result)
        self._refreshed = True
        self._stale = record.partial

    def _fetch_if_stale(self) -> None:
        """Fetch the job document if it predates the final status observed, or lacks the
        fields a listing left out (the one a final frame carried, if any, is used first)."""
        if self._stale:
            self._adopt_frame_document()
        if self._stale and self._api is not None:
            self.refresh()

    def _adopt_frame_document(self) -> None:
        """Hold the job document a final websocket frame carried, if it is usable."""
        document, self._frame_document = self._frame_document, None
        if document is None:
            return
        try:
            record = JobRecord.from_wire(document)
        except ApiError as err:
            logger.debug("Job %s: unusable job document in the final frame: %s", self._job_id, err)
            return
        if record.job_id == self.job_id() and record.status == self._observed.status:
            self._adopt(record)

    # ------------------------------------------------------------------ server state

    def status(self) -> JobStatus:
        """Query the server for the latest job status (no request once the job is final).

        Returns:
            The status of the job.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if is_final(self._status):
            return self._status
        api = self._require_api()
        with api_to_job_error():
            record = api.job_status(self.job_id())
        self._apply_status(record)
        if is_final(self._status):
            self.refresh()
        return self._status

    def cancel(self) -> bool:
        """Attempt to cancel the job (the server decides whether it can be cancelled).

        Returns:
            ``True`` if the job is cancelled, else ``False``.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        api = self._require_api()
        try:
            cancelled = api.job_cancel(self.job_id())
        except ApiError as err:
            raise IBMQJobApiError(
                f"Unexpected error when cancelling job {self.job_id()}: {err.message}"
            ) from err
        logger.debug("Job %s cancel status is %s.", self.job_id(), cancelled)
        return cancelled

    def queue_position(self, refresh: bool = False) -> int | None:
        """Return the position of the job in the server queue (within the provider).

        Args:
            refresh: If ``True``, query the server for the latest value first.

        Returns:
            Position in the queue, or ``None`` if unknown or not applicable.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if refresh:
            self.status()
        return None if self._queue_info is None else self._queue_info.position

    def queue_info(self) -> QueueInfo | None:
        """Return queue information for this job (queries the server unless final).

        Returns:
            The queue information, or ``None`` if it is unknown, not applicable or holds
            no position or priority.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        self.status()
        info = self._queue_info
        if info is None:
            return None
        useful = (info.position, info.hub_priority, info.group_priority, info.project_priority)
        return info if any(value is not None for value in useful) else None

    def time_per_step(self) -> dict[str, dt.datetime] | None:
        """Return the date and time of each step of the job processing, in local time.

        Returns:
            Step name to local datetime, or ``None`` if not available yet.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        self._adopt_frame_document()
        if self._stale or not self._record.time_per_step or not is_final(self._status):
            self.refresh()
        steps = self._record.time_per_step
        if not steps:
            return None
        return {step: utc_to_local(when) for step, when in steps.items()}

    def scheduling_mode(self) -> str | None:
        """Return the scheduling mode of the job (``fairshare``, ``dedicated``), if known.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        self._fetch_if_stale()
        if self._record.run_mode is None:
            self.refresh()
            if self._record.run_mode is None and self._status in (
                JobStatus.RUNNING,
                JobStatus.DONE,
            ):
                self._record = dataclasses.replace(self._record, run_mode="fairshare")
        return self._record.run_mode

    def properties(self) -> Any:
        """Return the backend properties for this job, with dates in local time.

        Returns:
            The properties in force when the job ran, or ``None`` if not available.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        api = self._require_api()
        with api_to_job_error():
            properties = api.job_properties(self.job_id())
        if not properties:
            return None
        try:
            return decode_properties(properties)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
            raise IBMQJobApiError(
                f"Invalid backend properties received for job {self.job_id()}: {err!r}"
            ) from err

    def qobj(self) -> Any:
        """Return the Qobj for this job, downloading it on first use.

        Returns:
            The Qobj (qiskit's ``QasmQobj`` or ``PulseQobj`` on qiskit 0.46, an
            attribute-compatible ``QasmQobj`` of ibmqjob on newer lines), or ``None`` if the
            job has none (e.g. an unknown kind).

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        kind = self._record.kind
        held = self._held_qobj()
        if held is not None or kind is None:
            return held
        api = self._require_api()
        with api_to_job_error():
            if kind == OBJECT_STORAGE_KIND:
                document: Mapping[str, Any] | None = api.job_qobj(self.job_id())
            else:
                document = api.job_get(self.job_id()).qobj
        if document is None:
            return None
        self._qobj = self._decode_qobj(document)
        return self._qobj

    def circuits(self) -> list[Any]:
        """Return the circuits (or pulse schedules) of this job, rebuilt from its Qobj.

        Returns:
            The circuits or schedules; an empty list if the job has no Qobj.

        Raises:
            IBMQJobApiError: If the Qobj could not be downloaded or rebuilt.
            IBMQPulseNotAvailableError: For a pulse job, where qiskit has no pulse module.
        """
        return list(self._disassembled()[0])

    def backend_options(self) -> dict[str, Any]:
        """Return the run options of this job (those kept in its Qobj configuration).

        Returns:
            The options; an empty dict if the job has no Qobj.

        Raises:
            IBMQJobApiError: If the Qobj could not be downloaded.
        """
        return dict(self._disassembled()[1])

    def header(self) -> dict[str, Any]:
        """Return the user header of this job's Qobj.

        Returns:
            The header; an empty dict if the job has no Qobj.

        Raises:
            IBMQJobApiError: If the Qobj could not be downloaded.
        """
        return dict(self._disassembled()[2])

    def _disassembled(self) -> tuple[Any, Any, Any]:
        qobj = self.qobj()
        if qobj is None:
            return ([], {}, {})
        try:
            return _qiskit.circuits_of_qobj(qobj)
        except QobjEncodingError as err:
            raise IBMQJobApiError(f"Invalid Qobj received for job {self._job_id}: {err}") from err

    # ------------------------------------------------------------------ name and tags

    def update_name(self, name: str) -> str:
        """Update the name associated with this job.

        Args:
            name: The new name (may be empty).

        Returns:
            The new name, as echoed by the server.

        Raises:
            IBMQJobInvalidStateError: If ``name`` is not a string.
            IBMQJobApiError: If the server failed or did not echo the new name.
        """
        if not isinstance(name, str):
            raise IBMQJobInvalidStateError(
                f'"{name}" of type "{type(name)}" is not a valid job name. '
                "The job name needs to be a string."
            )
        api = self._require_api()
        with api_to_job_error():
            echoed = api.job_update_name(self.job_id(), name)
        if echoed is None or echoed != name:
            raise IBMQJobApiError(
                f"An unexpected error occurred when updating the name for job {self.job_id()}. "
                "The name was not updated for the job."
            )
        self._record = dataclasses.replace(self._record, name=echoed)
        return echoed

    def update_tags(
        self,
        replacement_tags: list[str] | None = None,
        additional_tags: list[str] | None = None,
        removal_tags: list[str] | None = None,
    ) -> list[str]:
        """Update the tags associated with this job: replace, then add, then remove.

        Tags starting with ``ibmq_jobset_`` belong to job sets: they survive a replacement
        and are never removed. ``replacement_tags=[]`` clears the other tags.

        Args:
            replacement_tags: Tags replacing the current ones.
            additional_tags: Tags to add.
            removal_tags: Tags to remove (absent ones are ignored with a warning).

        Returns:
            The new tags, as echoed by the server.

        Raises:
            IBMQJobInvalidStateError: If no argument is given or one is not a list of strings.
            IBMQJobApiError: If the server failed or did not echo the new tags.
        """
        new_tags = tags_to_update(
            self.job_id(), self.tags(), replacement_tags, additional_tags, removal_tags
        )
        api = self._require_api()
        with api_to_job_error():
            echoed = api.job_update_tags(self.job_id(), new_tags)
        if echoed is None or set(echoed) != set(new_tags):
            raise IBMQJobApiError(
                f"An unexpected error occurred when updating the tags for job {self.job_id()}. "
                "The tags were not updated for the job."
            )
        self._record = dataclasses.replace(self._record, tags=tuple(echoed))
        return self.tags()

    # ------------------------------------------------------------------ waiting and results

    def wait_for_final_state(
        self,
        timeout: float | None = None,
        wait: float | None = None,
        callback: JobCallback | None = None,
    ) -> None:
        """Wait until the job progresses to a final state such as ``DONE`` or ``ERROR``.

        Args:
            timeout: Seconds the whole call may take, requests and retries included (see
                :meth:`result`). If ``None``, wait indefinitely.
            wait: Seconds between callback calls. If ``None``, the callback is called only
                when the status or the queue information changes.
            callback: Called as ``callback(job_id, job_status, job, queue_info=...)`` with
                the latest status (never a final one); ``queue_info`` is a
                :class:`QueueInfo` or ``None``.

        Raises:
            IBMQJobTimeoutError: If the job does not reach a final state before the timeout.
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        dispatcher = None
        if callback is not None:

            def notify(status: JobStatus, queue_info: QueueInfo | None) -> None:
                callback(self.job_id(), status, self, queue_info=queue_info)

            dispatcher = CallbackDispatcher(notify, wait, self._time.clock)
        with self._deadline(timeout):
            self._wait_for_final(timeout, self._poll_interval, dispatcher)

    def result(
        self,
        timeout: float | None = None,
        wait: float = 5,
        partial: bool = False,
        refresh: bool = False,
    ) -> Result:
        """Return the result of the job, blocking until the job is final.

        The result is cached: later calls return it without a request unless ``refresh``.
        With ``partial=True`` a failed job whose result holds at least one successful
        experiment returns that result (check ``result.success`` before reading counts).

        Args:
            timeout: Seconds the whole call may take: the wait, the requests and the result
                download, every retry included; it returns or raises within this plus at
                most a second, whatever the server does. If ``None``, wait indefinitely.
            wait: Seconds between status queries when polling.
            partial: If ``True``, return partial results of a failed job if possible.
            refresh: If ``True``, fetch the result from the server again.

        Returns:
            The job result.

        Raises:
            IBMQJobTimeoutError: If the job does not finish before the timeout.
            IBMQJobInvalidStateError: If the job was cancelled.
            IBMQJobFailureError: If the job failed.
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        with self._deadline(timeout):
            self._wait_for_final(timeout, wait)
            return self._results.final_result(
                self._result_context(),
                self._require_api,
                partial=partial,
                refresh=refresh,
                error_message=lambda: self.error_message() or "Unknown error.",
            )

    def error_message(self) -> str | None:
        """Provide details about the reason of failure (blocks until the job is final).

        Returns:
            An error report if the job failed, else ``None``.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if self._wait_for_final(None, self._poll_interval) is not JobStatus.ERROR:
            return None
        if not self._job_error_msg:
            if self._api is not None:
                self._results.retrieve(self._result_context(), self._require_api)
            from_result = self._results.error_message
            if not from_result:
                self._fetch_if_stale()
            if not from_result and self._record.error is None and self._api is not None:
                self.refresh()
            self._job_error_msg = choose_error_message(
                self.job_id(), from_result, self._record.error, self._observed.status
            )
        return self._job_error_msg

    # ------------------------------------------------------------------ internals

    @contextmanager
    def _deadline(self, timeout: float | None) -> Iterator[None]:
        """Bound every request, read and retry of the block by ``timeout`` seconds."""
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout must not be negative, got {timeout}.")
        try:
            with deadline_scope(self._time.clock, timeout):
                yield
        except UserTimeoutExceededError as err:
            raise IBMQJobTimeoutError(
                f"Timeout while waiting for job {self.job_id()}: {err.message}"
            ) from err

    def _wait_for_final(
        self, timeout: float | None, wait: float, dispatcher: CallbackDispatcher | None = None
    ) -> JobStatus:
        """Block until the job is final; return the final status.

        The job document is not fetched again: the result needs none of it, and the fields
        only the final document holds are fetched when first read (:meth:`_fetch_if_stale`).
        """
        if is_final(self._status):
            return self._status
        api = self._require_api()
        target = api.job_websocket(self.job_id())
        stream = None
        if target is not None:
            stream = StatusWebsocket(
                target, self.job_id(), target.policy, sleep=self._time.sleep, clock=self._time.clock
            )
        try:
            wait_for_final_status(
                fetch_status=lambda: api.job_status(self.job_id()),
                observe=self._apply_status,
                stream=stream,
                timeout=timeout,
                poll_interval=wait,
                dispatcher=dispatcher,
                sleep=self._time.sleep,
                clock=self._time.clock,
                silence_check=None if target is None else target.policy.silence_check,
            )
        except UserTimeoutExceededError:
            raise IBMQJobTimeoutError(f"Timeout while waiting for job {self.job_id()}.") from None
        except ApiError as err:
            raise IBMQJobApiError(
                f"Error checking job status due to a network error: {err.message}"
            ) from err
        self._stale = True
        self._use_final_frame(self._observed.extra)
        return self._status

    def _use_final_frame(self, extension: Mapping[str, Any]) -> None:
        """Use what a final ``job-status`` frame may carry (optional protocol extension):
        the job's final document (no fetch needed later) and the result's signed URL."""
        if not is_final(self._status):
            return
        url = extension.get("resultUrl")
        self._result_url = url if isinstance(url, str) and url else None
        document = extension.get("job")
        # Decoded on first use (_fetch_if_stale): the download does not wait for it.
        self._frame_document = document if isinstance(document, Mapping) else None

    # ------------------------------------------------------------------ internals

    def _apply_status(self, record: StatusRecord) -> tuple[JobStatus, QueueInfo | None]:
        """Observe a status (from a status query, the websocket or a job document)."""
        status, queue_info = status_and_queue_info(
            record.status, record.info_queue, self.job_id(), self._status
        )
        if is_final(self._status) and not is_final(status):
            # A job never leaves a final state: the document is older than what we saw.
            logger.debug("Job %s: ignoring stale status %s.", self.job_id(), record.status)
        else:
            self._observed, self._status, self._queue_info = record, status, queue_info
        return self._status, self._queue_info

    def _held_qobj(self) -> Any:
        """The Qobj the job holds (decoded from its submitted document on first use), or
        ``None`` if it holds none (no request)."""
        if self._qobj is None and self._qobj_document is not None:
            self._qobj = self._decode_qobj(self._qobj_document)
            self._qobj_document = None
        return self._qobj

    def _decode_qobj(self, document: Mapping[str, Any]) -> Any:
        try:
            return decode_qobj(document)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
            raise IBMQJobApiError(f"Invalid Qobj received for job {self._job_id}: {err!r}") from err

    def _require_api(self) -> JobApi:
        if self._api is None:
            raise IBMQJobInvalidStateError(
                f"Job {self.job_id()} is not connected to a server. "
                "Rebuild it with IBMQJob.from_dict(data, backend=..., api=...)."
            )
        return self._api

    def _result_context(self) -> ResultContext:
        return ResultContext(
            self.job_id(),
            self._observed.status,
            self._status,
            self._record.kind,
            jobdict.client_version(self._record.client_info),
            self._result_url,
        )

    def __getattr__(self, name: str) -> Any:
        # Only called for missing attributes: the extra job attributes, as ``<name>_``.
        record = self.__dict__.get("_record")
        if name.startswith("__") or not name.endswith("_") or record is None:
            raise AttributeError(f"Attribute {name} is not defined.")
        if self.__dict__.get("_stale"):
            self._fetch_if_stale()
            record = self._record
        try:
            return jobdict.extra_attributes(record)[name[:-1]]
        except KeyError:
            raise AttributeError(f"Attribute {name} is not defined.") from None
