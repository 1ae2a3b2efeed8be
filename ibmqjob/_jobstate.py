"""The cached state of an ``IBMQJob``: construction, refresh and serialisation.

:class:`JobState` holds what the client knows about a job and how it is built (from the
constructor arguments of the original client, a decoded job document, or ``to_dict()``
output). The behaviour that talks to the server and waits lives in :mod:`ibmqjob.job`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Self

from qiskit.providers import JobStatus, JobV1
from qiskit.qobj import PulseQobj, QasmQobj
from qiskit.result import Result

from . import _jobdata as jobdata
from ._decode import decode_qobj
from ._records import ErrorRecord, InfoQueueRecord, JobApi, JobRecord, StatusRecord
from ._results import ResultContext, ResultStore
from ._time import utc_to_local
from .exceptions import ApiError, IBMQJobApiError, IBMQJobInvalidStateError
from .queueinfo import QueueInfo, status_and_queue_info
from .settings import TimeSource
from .status import is_final

__all__ = ["JobState", "api_to_job_error"]

logger = logging.getLogger(__name__)


@contextmanager
def api_to_job_error(prefix: str = "") -> Iterator[None]:
    """Translate ``ApiError`` into ``IBMQJobApiError`` (the one place where it happens)."""
    try:
        yield
    except ApiError as err:
        raise IBMQJobApiError(prefix + err.message) from err


class JobState(JobV1):  # type: ignore[misc]  # qiskit ships no type information
    """What is known about a job, without the behaviour that waits (see ``IBMQJob``)."""

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
        qobj: Mapping[str, Any] | QasmQobj | PulseQobj | None = None,
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
            kwargs: Additional job attributes. ``info_queue``, ``client_info``,
                ``experiment_id`` and ``share_level`` are understood; the others are kept as
                ``<name>_`` attributes.

        Raises:
            IBMQJobApiError: If a date or the queue information is malformed.
        """
        super().__init__(backend, job_id)
        self._api = api
        clock = TimeSource() if api is None else api.time
        self._sleep: Callable[[float], None] = clock.sleep
        self._clock: Callable[[], float] = clock.clock
        self._poll_interval = 5.0
        self._creation_date = jobdata.utc(creation_date, "creation_date")
        self._api_status = status
        self._status, self._queue_info = status_and_queue_info(
            status, jobdata.info_queue_record(kwargs.pop("info_queue", None)), job_id
        )
        self._kind = kind
        self._name = name
        self._time_per_step = jobdata.time_per_step_utc(time_per_step)
        self._qobj = self._decode_qobj(qobj) if isinstance(qobj, Mapping) else qobj
        self._error = jobdata.error_record(error)
        self._tags = list(tags or [])
        self._run_mode = run_mode
        self._client_info: dict[str, str] | None = kwargs.pop("client_info", None)
        self._experiment_id: str | None = kwargs.pop("experiment_id", None)
        self._share_level: str | None = kwargs.pop("share_level", None)
        self._results = ResultStore()
        self._set_result(result)
        self._data: dict[str, Any] = {key + "_": value for key, value in kwargs.items()}
        self._cancelled = False
        self._job_error_msg: str | None = None
        self._refreshed = False

    # ------------------------------------------------------------------ construction

    @classmethod
    def _from_record(
        cls, backend: Any, api: JobApi | None, record: JobRecord, **overrides: Any
    ) -> Self:
        """Build a job from a job document decoded by the API layer.

        Args:
            backend: The backend of the job.
            api: The API to talk to the server.
            record: The job document.
            overrides: Constructor arguments replacing the record's (e.g. the local ``qobj``).

        Returns:
            The job.
        """
        return cls(backend, api, **{**jobdata.job_kwargs(record), **overrides})

    def _attach(self, backend: Any, api: JobApi) -> None:
        """Attach a backend and an API to a job built without them (e.g. by ``from_dict``)."""
        self._backend = backend
        self._api = api
        self._sleep, self._clock = api.time.sleep, api.time.clock

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
        missing = [key for key in ("job_id", "creation_date", "status") if key not in data]
        if missing:
            raise IBMQJobInvalidStateError(
                f"Cannot build a job from a dictionary without {', '.join(missing)}."
            )
        kwargs = {key: value for key, value in data.items() if key not in ("backend", "api")}
        return cls(backend, api, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """Serialize the model into a Python dict of simple types.

        The dict is JSON-safe; :meth:`from_dict` rebuilds an equivalent job from it.

        Returns:
            The job's attributes (times in UTC, ISO-8601).
        """
        raw_result = self._results.raw
        if raw_result is None and self._results.result is not None:
            raw_result = self._results.result.to_dict()
        out: dict[str, Any] = {
            "job_id": self.job_id(),
            "creation_date": jobdata.iso_utc(self._creation_date),
            "status": self._api_status,
            "kind": self._kind,
            "name": self._name,
            "time_per_step": None
            if self._time_per_step is None
            else {step: jobdata.iso_utc(when) for step, when in self._time_per_step.items()},
            "result": jobdata.json_safe(raw_result),
            "qobj": None if self._qobj is None else jobdata.json_safe(self._qobj.to_dict()),
            "error": None if self._error is None else _error_dict(self._error),
            "tags": list(self._tags),
            "run_mode": self._run_mode,
            "info_queue": jobdata.info_queue_dict(self._info_queue_record()),
            "client_info": self._client_info,
            "experiment_id": self._experiment_id,
            "share_level": self._share_level,
        }
        out.update({key[:-1]: jobdata.json_safe(value) for key, value in self._data.items()})
        return out

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
        job_id: str = self._job_id
        return job_id

    def name(self) -> str | None:
        """Return the name assigned to this job, or ``None``."""
        return self._name

    def tags(self) -> list[str]:
        """Return a copy of the tags assigned to this job."""
        return list(self._tags)

    def creation_date(self) -> dt.datetime:
        """Return job creation date, in local time."""
        return utc_to_local(self._creation_date)

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
        if not self._client_info and not self._refreshed and self._api is not None:
            self.refresh()
        return jobdata.client_version(self._client_info)

    @property
    def experiment_id(self) -> str | None:
        """Return the ID of the experiment this job is part of, if any."""
        if not self._experiment_id and not self._refreshed and self._api is not None:
            self.refresh()
        return self._experiment_id

    def refresh(self) -> None:
        """Obtain the latest job information from the server.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        api = self._require_api()
        with api_to_job_error("Unexpected return value received from the server: "):
            record = api.job_get(self.job_id())
        kwargs = jobdata.job_kwargs(record)
        self._creation_date = record.creation_date
        self._kind = record.kind or self._kind
        if record.qobj is not None:
            self._qobj = self._decode_qobj(record.qobj)
        self._name, self._error, self._tags = record.name, record.error, list(record.tags)
        self._time_per_step = kwargs.pop("time_per_step")
        self._run_mode = record.run_mode
        status, queue_info = status_and_queue_info(
            record.status, record.info_queue, self.job_id(), self._status
        )
        if is_final(self._status) and not is_final(status):
            # A job never leaves a final state: the document is older than what we saw.
            logger.debug("Job %s: ignoring stale status %s.", self.job_id(), record.status)
        else:
            self._api_status, self._status, self._queue_info = record.status, status, queue_info
        self._client_info, self._experiment_id = kwargs.pop("client_info"), record.experiment_id
        if record.result is not None:
            self._set_result(record.result)
        for key in _MODELLED_KWARGS:
            kwargs.pop(key, None)
        self._data.update({key + "_": value for key, value in kwargs.items()})
        self._refreshed = True

    # ------------------------------------------------------------------ internals

    def _apply_status(self, record: StatusRecord) -> tuple[JobStatus, QueueInfo | None]:
        self._api_status = record.status
        self._status, self._queue_info = status_and_queue_info(
            record.status, record.info_queue, self.job_id(), self._status
        )
        return self._status, self._queue_info

    def _decode_qobj(self, document: Mapping[str, Any]) -> QasmQobj | PulseQobj:
        try:
            return decode_qobj(document)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
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
            self._api_status,
            self._status,
            self._kind,
            jobdata.client_version(self._client_info),
        )

    def _set_result(self, result: Mapping[str, Any] | Result | None) -> None:
        if isinstance(result, Result):
            self._results.result, self._results.raw = result, None
        else:
            self._results.set_raw(self._result_context(), result)

    def _info_queue_record(self) -> InfoQueueRecord | None:
        info = self._queue_info
        if info is None:
            return None
        raw = info.to_dict()
        raw.pop("job_id", None)
        return jobdata.info_queue_record(raw)

    def __getattr__(self, name: str) -> Any:
        # Only called for missing attributes: the extra job attributes, as ``<name>_``.
        if name.startswith("__") or name == "_data":
            raise AttributeError(name)
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(f"Attribute {name} is not defined.") from None


# Keys of ``job_kwargs`` that ``refresh`` stores in modelled attributes, not in ``_data``.
_MODELLED_KWARGS = (
    "job_id",
    "creation_date",
    "status",
    "kind",
    "name",
    "result",
    "qobj",
    "error",
    "tags",
    "run_mode",
    "info_queue",
    "experiment_id",
)


def _error_dict(error: ErrorRecord) -> dict[str, Any]:
    return {"message": error.message, "code": error.code, **jobdata.json_safe(dict(error.extra))}
