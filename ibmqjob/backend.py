"""``IBMQBackend``: a backend of a hub/group/project, built from its configuration.

On qiskit 0.46 it is a ``BackendV1``; on newer lines a ``BackendV2`` whose ``target`` comes
from the configuration and properties (``ibmqjob/_qiskit.py`` decides), so that
``transpile(circuit, backend)`` works on every line. ``name()``, ``configuration()``,
``properties()``, ``defaults()`` and ``status()`` keep the original client's form on both.

``run()`` validates its input, writes the Qobj and submits it (create the job, upload the
Qobj to the signed URL, ``jobDataUploaded``; the job is cancelled if the upload or the
callback fails) and returns an :class:`~ibmqjob.job.IBMQJob`. ``jobs()``, ``active_jobs()``
and ``retrieve_job()`` go through the provider; ``properties()``, ``defaults()``,
``status()`` and ``job_limit()`` ask the server about the device.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple, Protocol

from qiskit.providers import Options

from . import _qiskit
from ._api import ProjectApi
from ._decode import decode_properties, decode_pulse_defaults
from ._listing import ACTIVE_STATUSES, StatusArg
from ._runinput import assemble_qobj, run_metadata
from .backendjoblimit import BackendJobLimit
from .backendreservation import BackendReservation
from .exceptions import (
    ApiError,
    ApiIBMQProtocolError,
    IBMQBackendApiError,
    IBMQBackendApiProtocolError,
    IBMQBackendError,
    IBMQBackendJobLimitError,
    IBMQBackendValueError,
)
from .job import IBMQJob
from .reservations import backend_reservations

__all__ = ["IBMQBackend", "IBMQRetiredBackend", "JobFinder", "PreparedJob"]


class PreparedJob(NamedTuple):
    """A job ready to submit: its Qobj and metadata, checked (``IBMQBackend._prepare``)."""

    qobj: dict[str, Any]
    name: str | None
    tags: list[str] | None
    experiment_id: str | None
    live_data_enabled: bool | None


JOB_LIMIT_ERROR_CODE = 3458


class JobFinder(Protocol):
    """What a backend needs from its provider: the account's job listing and retrieval.

    ``AccountProvider`` implements it; the backend depends on this protocol only, so the
    provider module can import this one without a cycle.
    """

    def jobs(
        self,
        limit: int | None = 10,
        skip: int = 0,
        backend_name: str | None = None,
        status: StatusArg | None = None,
        job_name: str | None = None,
        start_datetime: dt.datetime | None = None,
        end_datetime: dt.datetime | None = None,
        job_tags: list[str] | None = None,
        job_tags_operator: str = "OR",
        experiment_id: str | None = None,
        descending: bool = True,
        db_filter: Mapping[str, Any] | None = None,
    ) -> list[IBMQJob]:
        """Return the jobs matching the filters (see ``AccountProvider.jobs``)."""
        ...

    def retrieve_job(self, job_id: str) -> IBMQJob:
        """Return the job with this ID."""
        ...


class IBMQBackend(_qiskit.BackendBase):  # type: ignore[misc]  # qiskit is untyped
    """A backend reachable through a hub/group/project.

    A ``BackendV1`` on qiskit 0.46; a ``BackendV2`` on newer qiskit, where ``backend.name``
    is the name (still callable: ``backend.name()``), ``backend.provider`` a property and
    ``backend.target`` the device's gates, couplings, errors and durations.
    """

    def __init__(self, configuration: Any, provider: JobFinder, api: ProjectApi) -> None:
        """Create the backend (``provider.get_backend(name)`` does it for you).

        Args:
            configuration: The backend configuration.
            provider: The provider the backend belongs to.
            api: The API of the provider's hub/group/project.
        """
        super().__init__(configuration=configuration, provider=provider)
        self._api = api
        self._properties: Any = None
        self._defaults: Any = None
        if configuration.simulator:
            self.options.update_options(noise_model=None, seed_simulator=None)

    @classmethod
    def _default_options(cls) -> Options:
        return Options(
            shots=4000,
            memory=False,
            qubit_lo_freq=None,
            meas_lo_freq=None,
            schedule_los=None,
            meas_level=_qiskit.MeasLevel.CLASSIFIED,
            meas_return=_qiskit.MeasReturnType.AVERAGE,
            memory_slots=None,
            memory_slot_size=100,
            rep_time=None,
            rep_delay=None,
            init_qubits=True,
            use_measure_esp=None,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}('{self.name()}')>"

    def configuration(self) -> Any:
        """Return the backend configuration (``QasmBackendConfiguration`` or
        ``PulseBackendConfiguration``)."""
        return self._configuration

    # ------------------------------------------------------------------ submitting

    def run(
        self,
        circuits: Any,
        job_name: str | None = None,
        job_share_level: str | None = None,
        job_tags: list[str] | None = None,
        experiment_id: str | None = None,
        live_data_enabled: bool | None = None,
        **run_config: Any,
    ) -> IBMQJob:
        """Run circuits (or schedules, or a Qobj) on the backend.

        Args:
            circuits: A ``QuantumCircuit`` or ``Schedule``, a list of them, or a Qobj
                (deprecated).
            job_name: Name of the job, to find it later with ``jobs(job_name=...)``.
            job_share_level: Ignored (the server no longer supports sharing).
            job_tags: Tags of the job, a list of strings.
            experiment_id: ID of the experiment the job is part of.
            live_data_enabled: Sent as ``liveDataEnabled``.
            run_config: Run options (``shots``, ``memory``, ``seed_simulator``,
                ``header``, ...) overriding the backend's ``options``.

        Returns:
            The job, already submitted.

        Raises:
            IBMQBackendValueError: If an argument is invalid (nothing is sent).
            IBMQBackendJobLimitError: If the job limit of the backend is reached.
            IBMQBackendApiProtocolError: If the server answered outside the protocol.
            IBMQBackendApiError: If the submission failed for another reason.
            IBMQBackendError: If the server reported an error in the new job.
        """
        if job_share_level:
            warnings.warn(
                "The `job_share_level` keyword is no longer supported and is ignored.",
                DeprecationWarning,
                stacklevel=2,
            )
        prepared = self._prepare(
            circuits,
            job_name=job_name,
            job_tags=job_tags,
            experiment_id=experiment_id,
            live_data_enabled=live_data_enabled,
            run_config=run_config,
        )
        return self._submit(prepared)

    def _prepare(
        self,
        circuits: Any,
        *,
        job_name: str | None = None,
        job_tags: list[str] | None = None,
        experiment_id: str | None = None,
        live_data_enabled: bool | None = None,
        run_config: Mapping[str, Any],
    ) -> PreparedJob:
        """The first half of :meth:`run`: check the arguments and write the Qobj (no I/O).

        Raises:
            IBMQBackendValueError: If an argument is invalid.
        """
        name, tags, experiment = run_metadata(job_name, job_tags, experiment_id)
        qobj = assemble_qobj(
            circuits, self.configuration(), self, dict(self.options.items()), run_config
        )
        return PreparedJob(qobj, name, tags, experiment, live_data_enabled)

    def _submit(self, prepared: PreparedJob) -> IBMQJob:
        """The second half of :meth:`run`: submit a prepared job (it may be submitted again
        after a failure, e.g. the job limit).

        Raises:
            IBMQBackendValueError: If the Qobj cannot be encoded (nothing was sent).
            IBMQBackendJobLimitError: If the job limit of the backend is reached.
            IBMQBackendApiProtocolError: If the server answered outside the protocol.
            IBMQBackendApiError: If the submission failed for another reason.
            IBMQBackendError: If the server reported an error in the new job.
        """
        try:
            record = self._api.job_submit(
                self.name(),
                prepared.qobj,
                name=prepared.name,
                tags=prepared.tags,
                experiment_id=prepared.experiment_id,
                live_data_enabled=prepared.live_data_enabled,
            )
        except ValueError as err:
            raise IBMQBackendValueError(str(err)) from err
        except ApiError as err:
            raise _submit_error(err) from err
        if record.error is not None:
            raise IBMQBackendError(
                f"Error submitting job: {record.error.message} (job {record.job_id} exists on "
                f"the server, in status {record.status})"
            )
        return IBMQJob._from_record(self, self._api, record, qobj=prepared.qobj)

    # ------------------------------------------------------------------ jobs

    def jobs(
        self,
        limit: int | None = 10,
        skip: int = 0,
        status: StatusArg | None = None,
        job_name: str | None = None,
        start_datetime: dt.datetime | None = None,
        end_datetime: dt.datetime | None = None,
        job_tags: list[str] | None = None,
        job_tags_operator: str = "OR",
        experiment_id: str | None = None,
        descending: bool = True,
        db_filter: Mapping[str, Any] | None = None,
    ) -> list[IBMQJob]:
        """Return the jobs submitted to this backend that match the filters, newest first.

        Args:
            limit: Most jobs to return (``None`` or 0 for all).
            skip: Jobs to skip at the start.
            status: Only jobs in this status (a ``JobStatus`` or its name), or in any of a
                list of them.
            job_name: A regular expression the job name must match (partial match).
            start_datetime: Only jobs created at or after this time (naive: local).
            end_datetime: Only jobs created at or before this time (naive: local).
            job_tags: Only jobs with these tags.
            job_tags_operator: ``"OR"`` (any of the tags) or ``"AND"`` (all of them).
            experiment_id: Only jobs of this experiment.
            descending: Newest first if ``True``, oldest first otherwise.
            db_filter: A raw LoopBack ``where`` clause, merged under the other filters.

        Returns:
            The jobs.

        Raises:
            IBMQBackendValueError: If a filter is invalid.
            IBMQBackendApiError: If the server could not be asked.
        """
        return self._provider_of_jobs().jobs(
            limit=limit,
            skip=skip,
            backend_name=self.name(),
            status=status,
            job_name=job_name,
            start_datetime=start_datetime,
            end_datetime=end_datetime,
            job_tags=job_tags,
            job_tags_operator=job_tags_operator,
            experiment_id=experiment_id,
            descending=descending,
            db_filter=db_filter,
        )

    def active_jobs(self, limit: int | None = 10) -> list[IBMQJob]:
        """Return the jobs of this backend that are not final yet.

        Args:
            limit: Most jobs to return (``None`` or 0 for all).

        Returns:
            The jobs, newest first.

        Raises:
            IBMQBackendApiError: If the server could not be asked.
        """
        return self.jobs(limit=limit, status=list(ACTIVE_STATUSES))

    def retrieve_job(self, job_id: str) -> IBMQJob:
        """Return a job of this backend.

        Args:
            job_id: The job ID.

        Returns:
            The job.

        Raises:
            IBMQBackendError: If the job belongs to another backend.
            IBMQBackendApiError: If the job cannot be retrieved.
        """
        job = self._provider_of_jobs().retrieve_job(job_id)
        job_backend = job.backend().name()
        if job_backend != self.name():
            warnings.warn(
                f"Job {job_id} belongs to another backend than the one queried. The query was"
                f" made on backend {self.name()}, but the job actually belongs to backend"
                f" {job_backend}.",
                stacklevel=2,
            )
            raise IBMQBackendError(
                f"Failed to get job {job_id}: job does not belong to backend {self.name()}."
            )
        return job

    def reservations(
        self, start_datetime: dt.datetime | None = None, end_datetime: dt.datetime | None = None
    ) -> list[BackendReservation]:
        """Return the reservations of the backend, optionally those overlapping a window.

        The mode, id, creation date and hub/group/project are known only for reservations
        made by one of your projects.

        Args:
            start_datetime: Start of the window (naive: local time).
            end_datetime: End of the window (naive: local time).

        Returns:
            The reservations, earliest first.

        Raises:
            TypeError: If a bound is not a ``datetime``.
            IBMQBackendApiError: If the server could not be asked.
            IBMQBackendApiProtocolError: If the answer is not a list of reservations.
        """
        return backend_reservations(self.name(), self._api, start_datetime, end_datetime)

    def _provider_of_jobs(self) -> JobFinder:
        provider: JobFinder = self._provider
        return provider

    # ------------------------------------------------------------------ device data

    def properties(self, refresh: bool = False, datetime: dt.datetime | None = None) -> Any:
        """Return the calibration of the backend (``None`` for simulators).

        Args:
            refresh: Ask the server again instead of using the cached value.
            datetime: Return the calibration in force before this time (naive: local);
                such a result is not cached.

        Returns:
            The properties, or ``None``.

        Raises:
            TypeError: If ``refresh`` is not a bool or ``datetime`` not a datetime.
            IBMQBackendApiError: If the server could not be asked.
            IBMQBackendApiProtocolError: If the answer is not valid properties.
        """
        if not isinstance(refresh, bool):
            raise TypeError(f"The 'refresh' argument needs to be a boolean, not {refresh!r}.")
        if datetime is not None and not isinstance(datetime, dt.datetime):
            raise TypeError(f"'{datetime}' is not of type 'datetime'.")
        if datetime is None and not refresh and self._properties is not None:
            return self._properties
        with _backend_errors(f"Failed to get the properties of {self.name()}"):
            data = self._api.backend_properties(self.name(), datetime and datetime.astimezone())
        properties = None if data is None else _decoded(decode_properties, data, "properties")
        if datetime is None:
            self._properties = properties
        return properties

    def defaults(self, refresh: bool = False) -> Any:
        """Return the pulse defaults of the backend (``None`` without pulse support).

        On qiskit >= 2 (no pulse module) they are the defaults document as data (frequency
        estimates, pulse library, command definitions); what needs schedules raises
        ``IBMQPulseNotAvailableError``.

        Args:
            refresh: Ask the server again instead of using the cached value.

        Returns:
            The defaults, or ``None``.

        Raises:
            IBMQBackendApiError: If the server could not be asked.
            IBMQBackendApiProtocolError: If the answer is not valid pulse defaults.
        """
        if refresh or self._defaults is None:
            with _backend_errors(f"Failed to get the defaults of {self.name()}"):
                data = self._api.backend_defaults(self.name())
            self._defaults = (
                None if data is None else _decoded(decode_pulse_defaults, data, "defaults")
            )
        return self._defaults

    def status(self) -> Any:
        """Return the status of the backend (operational, queue length).

        Raises:
            IBMQBackendApiError: If the server could not be asked.
        """
        with _backend_errors(f"Failed to get the status of {self.name()}"):
            record = self._api.backend_status(self.name())
        return _qiskit.backend_status(
            backend_name=self.name(),
            backend_version=record.backend_version or "0.0.0",
            operational=record.operational,
            pending_jobs=record.pending_jobs,
            status_msg=record.status_msg,
        )

    def job_limit(self) -> BackendJobLimit:
        """Return the job limit of the backend for this hub/group/project.

        Raises:
            IBMQBackendApiError: If the server could not be asked.
        """
        with _backend_errors(f"Failed to get the job limit of {self.name()}"):
            record = self._api.backend_job_limit(self.name())
        return BackendJobLimit(record.maximum_jobs, record.running_jobs)

    def remaining_jobs_count(self) -> int | None:
        """Return how many more jobs may be submitted now (``None`` if unlimited).

        Raises:
            IBMQBackendApiError: If the server could not be asked.
        """
        limit = self.job_limit()
        return None if limit.maximum_jobs is None else limit.maximum_jobs - limit.active_jobs


class IBMQRetiredBackend(IBMQBackend):
    """A backend that jobs mention but the provider no longer offers."""

    @classmethod
    def from_name(
        cls, backend_name: str, provider: JobFinder, api: ProjectApi
    ) -> IBMQRetiredBackend:
        """Build a placeholder backend for a name.

        Args:
            backend_name: The backend name.
            provider: The provider.
            api: The provider's API.

        Returns:
            The backend.
        """
        return cls(_qiskit.retired_configuration(backend_name), provider, api)

    def run(self, circuits: Any, *args: Any, **kwargs: Any) -> IBMQJob:
        """Refuse: the backend is no longer available.

        Raises:
            IBMQBackendError: Always.
        """
        raise IBMQBackendError(f"This backend ({self.name()}) is no longer available.")

    def properties(self, refresh: bool = False, datetime: dt.datetime | None = None) -> Any:
        """Return ``None``: a retired backend has no calibration."""
        return None

    def defaults(self, refresh: bool = False) -> Any:
        """Return ``None``: a retired backend has no pulse defaults."""
        return None

    def reservations(
        self, start_datetime: dt.datetime | None = None, end_datetime: dt.datetime | None = None
    ) -> list[BackendReservation]:
        """Return ``[]``: a retired backend takes no reservations."""
        return []

    def status(self) -> Any:
        """Return a non-operational status."""
        return _qiskit.backend_status(
            backend_name=self.name(),
            backend_version=self.configuration().backend_version,
            operational=False,
            pending_jobs=0,
            status_msg="This backend is no longer available.",
        )


@contextmanager
def _backend_errors(context: str) -> Iterator[None]:
    """Translate ``ApiError`` into the backend errors, prefixing ``context``."""
    try:
        yield
    except ApiIBMQProtocolError as err:
        raise IBMQBackendApiProtocolError(f"{context}: {err.message}") from err
    except ApiError as err:
        raise IBMQBackendApiError(f"{context}: {err.message}") from err


def _submit_error(err: ApiError) -> IBMQBackendError:
    message = f"Error submitting job: {err.message}"
    if str(err.code) == str(JOB_LIMIT_ERROR_CODE):
        return IBMQBackendJobLimitError(message)
    if isinstance(err, ApiIBMQProtocolError):
        return IBMQBackendApiProtocolError(message)
    return IBMQBackendApiError(message)


def _decoded(decode: Any, data: Any, what: str) -> Any:
    try:
        return decode(data)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
        raise IBMQBackendApiProtocolError(f"The server sent invalid backend {what}: {err}") from err
