"""``AccountProvider``: the backends and jobs of one hub/group/project.

Backends are read from the server the first time they are needed and cached; jobs are
listed with cursor paging (``ibmqjob/_listing.py``) and rebuilt as :class:`IBMQJob` objects
attached to their backend (an :class:`IBMQRetiredBackend` when the provider no longer
offers it).
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from . import _qiskit
from ._api import ProjectApi
from ._api.records import JobRecord, ProjectRef
from ._listing import StatusArg, fetch_jobs, jobs_where
from .backend import IBMQBackend, IBMQRetiredBackend
from .backendreservation import BackendReservation
from .exceptions import ApiError, IBMQBackendApiError
from .job import IBMQJob
from .reservations import account_reservations
from .selection import select_backends
from .simulator import IBMQSimulator
from .utils.json_decoder import decode_backend_configuration

__all__ = ["AccountProvider", "IBMQBackendService"]

logger = logging.getLogger(__name__)


class AccountProvider(_qiskit.ProviderBase):  # type: ignore[misc]  # qiskit is untyped
    """The backends and jobs of a hub/group/project of an account.

    Attributes:
        hub: The hub.
        group: The group.
        project: The project.
    """

    def __init__(self, ref: ProjectRef, api: ProjectApi) -> None:
        """Create the provider (``IBMQ.get_provider()`` does it for you).

        Args:
            ref: The hub/group/project.
            api: Its API.
        """
        super().__init__()
        self.hub, self.group, self.project = ref.hub, ref.group, ref.project
        self._ref = ref
        self._api = api
        self._backends: dict[str, IBMQBackend] | None = None
        self.backend = IBMQBackendService(self)

    @property
    def credentials(self) -> ProjectRef:
        """The provider's ``hub``, ``group`` and ``project``, under the original client's name.

        Code written for the original client reads them as ``provider.credentials.hub``; only
        these three are offered (the account's token stays inside the account).
        """
        return self._ref

    def __repr__(self) -> str:
        return (
            f"<AccountProvider(hub='{self.hub}', group='{self.group}', project='{self.project}')>"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccountProvider) and other._ref == self._ref

    def __hash__(self) -> int:
        return hash(self._ref)

    # ------------------------------------------------------------------ backends

    def backends(
        self,
        name: str | None = None,
        filters: Callable[[IBMQBackend], bool] | None = None,
        min_num_qubits: int | None = None,
        input_allowed: str | list[str] | None = None,
        **kwargs: Any,
    ) -> list[IBMQBackend]:
        """Return the backends of the provider, optionally filtered.

        Args:
            name: Only the backend of this name.
            filters: Only backends for which this returns ``True``.
            min_num_qubits: Only backends with at least this many qubits.
            input_allowed: Only backends accepting this input type (``"job"``,
                ``"runtime"``), or all the types of a list.
            kwargs: Only backends whose configuration or status has these values
                (e.g. ``simulator=True``, ``operational=True``). ``timeout`` is accepted
                and ignored, as the original client deprecated it.

        Returns:
            The backends.

        Raises:
            IBMQBackendApiError: If the server could not be asked.
        """
        return select_backends(
            list(self._discover().values()),
            name=name,
            filters=filters,
            min_num_qubits=min_num_qubits,
            input_allowed=input_allowed,
            **kwargs,
        )

    def _discover(self) -> dict[str, IBMQBackend]:
        if self._backends is None:
            try:
                raw = self._api.backends()
            except ApiError as err:
                raise IBMQBackendApiError(f"Failed to list the backends: {err.message}") from err
            self._backends = {}
            for data in raw:
                backend = self._backend_from(data)
                if backend is not None:
                    self._backends[backend.name()] = backend
        return self._backends

    def _backend_from(self, data: Mapping[str, Any]) -> IBMQBackend | None:
        try:
            config = copy.deepcopy(dict(data))
            decode_backend_configuration(config)
            configuration = _qiskit.configuration_from_dict(config)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
            # One odd configuration must not hide the other backends.
            warnings.warn(
                f"Skipping backend {data.get('backend_name')!r}: invalid configuration ({err}).",
                stacklevel=3,
            )
            return None
        backend_class = IBMQSimulator if configuration.simulator else IBMQBackend
        return backend_class(configuration, self, self._api)

    def _backend_of(self, record: JobRecord) -> IBMQBackend:
        return self._backend_named(record.backend_name)

    def _backend_named(self, name: str | None) -> IBMQBackend:
        name = name or "unknown"
        backend = self._discover().get(name)
        return (
            backend if backend is not None else IBMQRetiredBackend.from_name(name, self, self._api)
        )

    # ------------------------------------------------------------------ jobs

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
        """Return the provider's jobs that match the filters, newest first.

        Args:
            limit: Most jobs to return (``None`` or 0 for all).
            skip: Jobs to skip at the start.
            backend_name: Only jobs of this backend.
            status: Only jobs in this status (a ``JobStatus`` or its name), or in any of
                a list of them.
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
        where = jobs_where(
            backend_name=backend_name,
            status=status,
            job_name=job_name,
            start_datetime=start_datetime,
            end_datetime=end_datetime,
            job_tags=job_tags,
            job_tags_operator=job_tags_operator,
            experiment_id=experiment_id,
            db_filter=db_filter,
        )
        try:
            records = fetch_jobs(
                self._api.jobs_page, where, limit=limit, skip=skip, descending=descending
            )
        except ApiError as err:
            raise IBMQBackendApiError(f"Failed to get the jobs: {err.message}") from err
        return [
            IBMQJob._from_record(self._backend_of(record), self._api, record) for record in records
        ]

    def job_ids(
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
        descending: bool = True,
    ) -> list[dict[str, Any]]:
        """Return the id documents of the provider's jobs that match the filters.

        Like :meth:`jobs`, but only ``GET /Jobs/v/1`` is asked, for the fields ``id``,
        ``creationDate`` and ``liveDataEnabled``; no job object is built.

        Args:
            limit: Most jobs to return (``None`` or 0 for all).
            skip: Jobs to skip at the start.
            backend_name: Only jobs of this backend.
            status: Only jobs in this status, or in any of a list of them.
            job_name: A regular expression the job name must match (partial match).
            start_datetime: Only jobs created at or after this time (naive: local).
            end_datetime: Only jobs created at or before this time (naive: local).
            job_tags: Only jobs with these tags.
            job_tags_operator: ``"OR"`` (any of the tags) or ``"AND"`` (all of them).
            descending: Newest first if ``True``, oldest first otherwise.

        Returns:
            The documents as the server sent them, e.g. ``{"id": ..., "creationDate": ...,
            "liveDataEnabled": ...}``.

        Raises:
            IBMQBackendValueError: If a filter is invalid.
            IBMQBackendApiError: If the server could not be asked.
        """
        where = jobs_where(
            backend_name=backend_name,
            status=status,
            job_name=job_name,
            start_datetime=start_datetime,
            end_datetime=end_datetime,
            job_tags=job_tags,
            job_tags_operator=job_tags_operator,
        )
        try:
            records = fetch_jobs(
                self._api.job_ids_page, where, limit=limit, skip=skip, descending=descending
            )
        except ApiError as err:
            raise IBMQBackendApiError(f"Failed to get the job ids: {err.message}") from err
        return [dict(record.document) for record in records]

    def retrieve_job(self, job_id: str) -> IBMQJob:
        """Return a job of the provider by its ID.

        Args:
            job_id: The job ID.

        Returns:
            The job.

        Raises:
            IBMQBackendApiError: If the job cannot be retrieved (unknown job: HTTP 404,
                error code 3250).
        """
        try:
            record = self._api.job_get(job_id)
        except ApiError as err:
            raise IBMQBackendApiError(f"Failed to get job {job_id}: {err.message}") from err
        return IBMQJob._from_record(self._backend_of(record), self._api, record)

    def job_from_dict(self, data: Mapping[str, Any]) -> IBMQJob:
        """Rebuild a job saved with :meth:`IBMQJob.to_dict`, able to talk to the server again.

        Args:
            data: What ``to_dict()`` returned (possibly through JSON).

        Returns:
            The job, attached to its backend and to this provider's API.

        Raises:
            IBMQJobInvalidStateError: If ``data`` lacks the job id, creation date or status.
            IBMQBackendApiError: If the backends could not be listed.
        """
        info = data.get("backend_info")
        name = info.get("name") if isinstance(info, Mapping) else None
        backend = self._backend_named(name if isinstance(name, str) else None)
        return IBMQJob.from_dict(data, backend=backend, api=self._api)


class IBMQBackendService:
    """``provider.backend``: the original client's view of the backends and jobs.

    ``backends()``, ``jobs()``, ``job_ids()`` and ``retrieve_job()`` are the provider's (with
    the same signatures); ``my_reservations()`` lists the account's reservations; each backend
    is also an attribute (``provider.backend.ibmq_qasm_simulator``).
    """

    def __init__(self, provider: AccountProvider) -> None:
        """Create the view.

        Args:
            provider: The provider.
        """
        self._provider = provider

    def backends(
        self,
        name: str | None = None,
        filters: Callable[[IBMQBackend], bool] | None = None,
        min_num_qubits: int | None = None,
        input_allowed: str | list[str] | None = None,
        **kwargs: Any,
    ) -> list[IBMQBackend]:
        """Return the provider's backends, filtered (see :meth:`AccountProvider.backends`)."""
        return self._provider.backends(name, filters, min_num_qubits, input_allowed, **kwargs)

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
        """Return the provider's jobs that match the filters (see :meth:`AccountProvider.jobs`)."""
        return self._provider.jobs(
            limit,
            skip,
            backend_name,
            status,
            job_name,
            start_datetime,
            end_datetime,
            job_tags,
            job_tags_operator,
            experiment_id,
            descending,
            db_filter,
        )

    def job_ids(
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
        descending: bool = True,
    ) -> list[dict[str, Any]]:
        """Return the id documents of the provider's jobs (see :meth:`AccountProvider.job_ids`)."""
        return self._provider.job_ids(
            limit,
            skip,
            backend_name,
            status,
            job_name,
            start_datetime,
            end_datetime,
            job_tags,
            job_tags_operator,
            descending,
        )

    def retrieve_job(self, job_id: str) -> IBMQJob:
        """Return a job of the provider by its ID (see :meth:`AccountProvider.retrieve_job`)."""
        return self._provider.retrieve_job(job_id)

    def my_reservations(self) -> list[BackendReservation]:
        """Return your reservations that have not ended, on every backend, earliest first.

        Raises:
            IBMQBackendApiError: If the server could not be asked.
            IBMQBackendApiProtocolError: If the answer is not a list of reservations.
        """
        return account_reservations(self._provider._api)

    def __getattr__(self, name: str) -> IBMQBackend:
        if name.startswith("_"):
            raise AttributeError(name)
        backends = self._provider.backends(name=name)
        if not backends:
            raise AttributeError(f"The provider has no backend named {name!r}.")
        return backends[0]

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *(b.name() for b in self._provider.backends())})
