"""The wire layer: nothing above it sees HTTP, websockets, JSON shapes or generated types.

Above this package, ``IBMQJob``, backends and providers talk to objects that implement the
protocols defined here and receive the frozen records of :mod:`ibmqjob._api.records`:

* :class:`JobApi`: what one job needs (status, document, result, cancel, name and tags, the
  status websocket, the account's time source).
* :class:`ProjectApi`: a hub/group/project, a :class:`JobApi` plus submission, listings and
  device calls. ``operations.login`` opens an ``AccountSession`` whose ``project()`` returns
  one; tests pass fakes that only need to match the protocol.

This package's own module holds only the protocols: the jobs, backends and providers that
import them do not import the adapter over the generated client (``operations``), which only
the account imports.

Contract for implementers:

* Every method is synchronous and blocking. ``job_id`` is the server's job id (24 lowercase
  hex characters on the reference server, but the client does not check it).
* Every failure is raised as an :class:`~ibmqjob.exceptions.ApiError`, never as an ``httpx``,
  ``websockets``, ``KeyError`` or generated-client exception:

  - HTTP error status, or no response at all (connection refused, read timeout, retries
    exhausted): :class:`~ibmqjob.exceptions.RequestsApiError` with ``status_code`` (``-1``
    without a response) and, when the body had the ``{"error": {"message", "code"}}``
    envelope, ``code`` and ``server_message``. A job not found is HTTP 404 with code 3250.
  - A 2xx body that is not JSON or lacks a required field:
    :class:`~ibmqjob.exceptions.ApiIBMQProtocolError`.
  - Access tokens never appear in messages: pass them as ``secrets=`` to the exception.

* Retries of transient failures happen inside this layer (``ibmqjob/_api/retry.py``);
  ``IBMQJob`` itself never retries a call.

Modules: ``operations`` (every operation, the only importer of the generated client),
``records`` (every wire record), ``codec`` (Qobj and result bodies), ``http`` (client,
retrying transport, error statuses, body caps), ``retry`` (pure retry decisions),
``deadline`` (the deadline of the blocking call in progress, seen by every request made in
it), ``websocket`` (the status stream). The package imports nothing of ``ibmqjob`` but
``settings``, ``exceptions`` and ``_time``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from ..settings import TimeSource
from .records import (
    JobIdRecord,
    JobRecord,
    JobsLimitRecord,
    ProjectRef,
    QueueStatusRecord,
    StatusRecord,
    WebsocketTarget,
)

__all__ = ["JobApi", "ProjectApi"]

JsonDict = dict[str, Any]


@runtime_checkable
class JobApi(Protocol):
    """What ``IBMQJob`` needs from the server (see the module docstring for the contract)."""

    @property
    def time(self) -> TimeSource:
        """The clock and sleep that jobs wait with (the account's time source)."""
        ...

    def job_get(self, job_id: str) -> JobRecord:
        """``GET /Jobs/{id}/v/1``: the full job document."""
        ...

    def job_status(self, job_id: str) -> StatusRecord:
        """``GET /Jobs/{id}/status/v/1``: the status and, while queued, the queue info."""
        ...

    def job_cancel(self, job_id: str) -> bool:
        """``POST /Jobs/{id}/cancel``: ``True`` iff the body has no ``error`` and a truthy
        ``cancelled``."""
        ...

    def job_result(self, job_id: str, url: str | None = None) -> JsonDict:
        """``GET /Jobs/{id}/resultDownloadUrl`` then ``GET <url>`` (streamed): the result
        document as JSON, untouched. Used only for ``q-object-external-storage`` jobs.
        With ``url`` (a signed URL already known), that URL is tried first."""
        ...

    def job_result_downloaded(self, job_id: str) -> None:
        """``POST /Jobs/{id}/resultDownloaded`` (no body), after a successful download; may
        be deferred to the account's next request (never lost)."""
        ...

    def job_qobj(self, job_id: str) -> JsonDict:
        """``GET /Jobs/{id}/jobDownloadUrl`` then ``GET <url>``: the Qobj document as JSON.
        Used only for ``q-object-external-storage`` jobs."""
        ...

    def job_properties(self, job_id: str) -> JsonDict | None:
        """``GET /Jobs/{id}/properties``: the backend properties dict, ``None`` if empty."""
        ...

    def job_update_name(self, job_id: str, name: str) -> str | None:
        """``PUT /Jobs/{id}`` with ``{"name": name}``: the echoed ``name``, ``None`` if the
        answer has none. The caller checks the echo."""
        ...

    def job_update_tags(self, job_id: str, tags: list[str]) -> list[str] | None:
        """``PUT /Jobs/{id}`` with ``{"tags": tags}``: the echoed ``tags``, ``None`` if the
        answer has none. The caller checks the echo."""
        ...

    def job_websocket(self, job_id: str) -> WebsocketTarget | None:
        """The status websocket of the job, or ``None`` if the server has no websocket URL
        (the caller then polls ``job_status``). Makes no request."""
        ...


@runtime_checkable
class ProjectApi(JobApi, Protocol):
    """One hub/group/project: what backends and providers need from the server."""

    @property
    def ref(self) -> ProjectRef:
        """The hub/group/project."""
        ...

    def job_delete(self, job_id: str) -> None:
        """``DELETE /Jobs/{id}``: the job is no longer listed or retrievable."""
        ...

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
        """Create a job, upload its Qobj and confirm the upload: the job document.

        Raises ``ValueError`` when the Qobj cannot be encoded (nothing is sent). A job whose
        upload failed is cancelled; a job the server may have accepted never is: when the
        outcome of the last step is unknown, the server is asked, and an accepted job is
        returned. Errors name the job id when there is one and say whether the job exists."""
        ...

    def jobs_page(self, loopback_filter: Mapping[str, Any]) -> list[JobRecord]:
        """``GET /Jobs/status/v/1?filter=``: one page of job documents (bad items skipped)."""
        ...

    def job_ids_page(self, loopback_filter: Mapping[str, Any]) -> list[JobIdRecord]:
        """``GET /Jobs/v/1?filter=``: one page of id documents."""
        ...

    def backends(self) -> list[JsonDict]:
        """``GET /devices/v/1``: the backend configurations, as dicts."""
        ...

    def backend_properties(self, backend_name: str, before: dt.datetime | None) -> JsonDict | None:
        """``GET /devices/{name}/properties``: the calibration (before an instant), or ``None``."""
        ...

    def backend_defaults(self, backend_name: str) -> JsonDict | None:
        """``GET /devices/{name}/defaults``: the pulse defaults, or ``None``."""
        ...

    def backend_status(self, backend_name: str) -> QueueStatusRecord:
        """``GET /devices/{name}/queue/status``."""
        ...

    def backend_job_limit(self, backend_name: str) -> JobsLimitRecord:
        """``GET /devices/{name}/jobsLimit``."""
        ...

    def backend_reservations(
        self, backend_name: str, since: dt.datetime | None, until: dt.datetime | None
    ) -> list[JsonDict]:
        """``GET /Network/devices/{backend}/bookings/v2``: reservations overlapping a window."""
        ...

    def my_reservations(self) -> list[JsonDict]:
        """``GET /Network/bookings/v2``: the account's reservations that have not ended."""
        ...
