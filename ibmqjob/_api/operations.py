"""Every operation of the job API: the only module that imports ``ibmq_api_client``.

One call path for every operation (:meth:`_Wire.call`): the request is built by the
generated operation (``build_request``, added by the custom template in ``spec/templates``),
sent through the account's HTTP client (``ibmqjob/_api/http.py``: retries, error statuses
turned into ``RequestsApiError``), and its 2xx body is parsed once, with ``json``, straight
into the records of ``ibmqjob/_api/records.py``. A status the spec does not document, a body
that is not JSON or a record's field guard failing is an ``ApiIBMQProtocolError`` that names
the request. Generated models serve only to build request bodies; they and ``Unset`` never
leave this module.

:func:`login` runs the account discovery (``GET /version``, ``POST /users/loginWithToken``,
``GET /users/me``) and returns an :class:`AccountSession`; :meth:`AccountSession.project`
gives the :class:`ProjectOperations` of one hub/group/project, which implements the
``ProjectApi`` protocol of ``ibmqjob/_api/__init__.py``.

Signed object-storage URLs are opaque (they may point to another host), so they are not
called through the generated storage operations. Results and Qobjs are read as bytes and
decoded by ``ibmqjob/_api/codec.py``.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import httpx
from ibmq_api_client import Client
from ibmq_api_client.api.auth import get_user_info, get_version, login_with_token
from ibmq_api_client.api.devices import (
    get_device_defaults,
    get_device_jobs_limit,
    get_device_properties,
    get_device_queue_status,
    list_devices,
)
from ibmq_api_client.api.jobs import (
    cancel_job,
    create_job,
    delete_job,
    get_job,
    get_job_download_url,
    get_job_properties,
    get_job_status,
    get_result_download_url,
    job_data_uploaded,
    list_job_ids,
    list_jobs,
    result_downloaded,
    update_job,
)
from ibmq_api_client.api.network import (
    get_backend_reservations,
    get_my_reservations,
    get_network,
)
from ibmq_api_client.models import (
    BackendRef,
    JobCreateRequest,
    JobNameUpdate,
    JobTagsUpdate,
    LoginRequest,
)
from ibmq_api_client.types import UNSET, Unset

from .._time import format_query
from ..exceptions import ApiError, ApiIBMQProtocolError, IBMQAccountCredentialsInvalidUrl
from ..settings import HttpSettings, TimeSource
from .codec import decode_json_object, encode_qobj
from .http import build_client, transfer, transport_error
from .records import (
    JOB_ID_FIELDS,
    AccessTokenRecord,
    CancelRecord,
    JobIdRecord,
    JobRecord,
    JobsLimitRecord,
    ProjectRef,
    QueueStatusRecord,
    ServiceUrlsRecord,
    SignedUrlRecord,
    StatusRecord,
    UserRecord,
    VersionRecord,
    WebsocketTarget,
    backend_configurations,
    job_from_upload_answer,
    optional_document,
    projects_from_network,
    reservation_documents,
)

__all__ = ["AccountSession", "ProjectOperations", "login"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
JsonDict = dict[str, Any]


class Operation(Protocol):
    """A generated operation module, as this module uses it."""

    SUCCESS_STATUSES: frozenset[int]
    build_request: Callable[..., httpx.Request]


def _ignore(body: object) -> None:
    """Parse an acknowledgement: any JSON value."""


logger = logging.getLogger(__name__)

# Wires holding deferred work; the work is done at the latest when the interpreter exits.
_PENDING: set[_Wire] = set()
_PENDING_LOCK = threading.Lock()


@atexit.register
def _flush_at_exit() -> None:
    with _PENDING_LOCK:
        wires = list(_PENDING)
    for wire in wires:
        wire.flush()


class _Wire:
    """The account's HTTP client and the one call path of every operation.

    Work off the critical path of a caller (the ``resultDownloaded`` acknowledgement) is
    deferred with :meth:`defer`: it is done before the account's next request (other than a
    result download), when the account is closed, or when the interpreter exits, whichever
    comes first; never lost, never on a background thread. (Deferring the close handshake
    of a finished status websocket too measured no faster ``result()`` and more CPU per
    job with 256 jobs in flight: the server has already closed its side.)
    """

    def __init__(
        self, base_url: str, secrets: list[str], settings: HttpSettings, token: str | None
    ) -> None:
        self.secrets = secrets  # shared and mutable: the access token is added after login
        self.settings = settings
        self.http = build_client(base_url, access_token=token, secrets=secrets, settings=settings)
        # The generated client only builds requests on the base URL of ``http``.
        self.client = Client(base_url).set_httpx_client(self.http)
        self._deferred: list[tuple[str, Callable[[], None]]] = []
        self._deferred_lock = threading.Lock()
        self._local = threading.local()  # ``critical``: this thread must not do deferred work

    @contextlib.contextmanager
    def critical_path(self) -> Iterator[None]:
        """Requests of this thread inside the block do no deferred work (the result download
        that ``result()`` waits for must not pay for earlier jobs' acknowledgements)."""
        outer = getattr(self._local, "critical", False)
        self._local.critical = True
        try:
            yield
        finally:
            self._local.critical = outer

    def defer(self, what: str, work: Callable[[], None]) -> None:
        """Do ``work`` before the account's next request, at close or at exit.

        Args:
            what: The work, for the log when it fails.
            work: Called once; an ``ApiError`` it raises is logged as a warning.
        """
        with self._deferred_lock:
            self._deferred.append((what, work))
        with _PENDING_LOCK:
            _PENDING.add(self)

    def flush(self) -> None:
        """Do the deferred work now (each item once, in order)."""
        with self._deferred_lock:
            pending, self._deferred = self._deferred, []
        with _PENDING_LOCK:
            _PENDING.discard(self)
        for what, work in pending:
            try:
                work()
            except ApiError as err:
                logger.warning("Unable to %s: %s", what, err.message)
            except Exception as err:  # deferred work must never break the caller's request
                logger.warning("Unable to %s: %r", what, err)

    def call(
        self,
        what: str,
        operation: Operation,
        parse: Callable[[Any], _T],
        *args: Any,
        **kwargs: Any,
    ) -> _T:
        """Build ``operation``'s request, send it and parse its 2xx body once with ``parse``.

        Args:
            what: The request, for messages (``GET /Jobs/{id}/v/1``).
            operation: The generated operation.
            parse: Turns the decoded JSON body into a record; raises ``ApiIBMQProtocolError``.
            *args: The operation's positional (path) parameters.
            **kwargs: Its keyword parameters (``body``, query parameters).

        Returns:
            What ``parse`` returns.

        Raises:
            RequestsApiError: On an error status or when no response came.
            ApiIBMQProtocolError: On an undocumented status, a body that is not JSON, or a
                body ``parse`` rejects.
        """
        if self._deferred and not getattr(self._local, "critical", False):
            self.flush()
        try:
            request = operation.build_request(*args, client=self.client, **kwargs)
            response = self.http.send(request)
        except (httpx.TransportError, httpx.InvalidURL) as err:
            raise transport_error(what, err, self.secrets) from err
        if response.status_code not in operation.SUCCESS_STATUSES:
            raise self._protocol_error(what, f"undocumented status {response.status_code}")
        try:
            body = json.loads(response.content)
        except ValueError as err:
            raise self._protocol_error(what, f"the body is not JSON ({err})") from err
        try:
            return parse(body)
        except ApiIBMQProtocolError as err:
            raise self._protocol_error(what, err.message) from err

    def _protocol_error(self, what: str, detail: str) -> ApiIBMQProtocolError:
        return ApiIBMQProtocolError(f"Unexpected answer to {what}: {detail}", secrets=self.secrets)

    def transfer(self, method: str, url: str, what: str, content: bytes | None = None) -> bytes:
        """Send a request to a signed storage URL (see ``ibmqjob._api.http.transfer``)."""
        if self._deferred and not getattr(self._local, "critical", False):
            self.flush()
        return transfer(self.http, method, url, what=what, secrets=self.secrets, content=content)

    def close(self) -> None:
        """Do the deferred work, then close the HTTP client."""
        self.flush()
        self.http.close()


def login(auth_url: str, api_token: str, settings: HttpSettings | None = None) -> AccountSession:
    """Log in with an API token: version check, access token, then the service URLs.

    Args:
        auth_url: The authentication URL, e.g. ``http://127.0.0.1:8390/api``.
        api_token: The user's API token.
        settings: HTTP settings; defaults if ``None``.

    Returns:
        The session of the account.

    Raises:
        IBMQAccountCredentialsInvalidUrl: If ``/version`` does not answer like a service of
            this API (or does not answer at all).
        ApiError: On any other failure (a rejected token is a ``RequestsApiError`` 401).
    """
    settings = settings or HttpSettings()
    secrets = [api_token]
    auth = _Wire(auth_url.rstrip("/"), secrets, settings, None)
    try:
        try:
            auth.call("GET /version", get_version, VersionRecord.from_wire)
        except ApiError as err:
            raise IBMQAccountCredentialsInvalidUrl(
                f"{auth_url} is not the URL of an IBM Quantum authentication service "
                f"(GET /version must answer a JSON object with 'api-auth'): {err.message}"
            ) from err
        token = auth.call(
            "POST /users/loginWithToken",
            login_with_token,
            AccessTokenRecord.from_wire,
            body=LoginRequest(api_token=api_token),
        ).token
        secrets.append(token)
        auth.http.headers["X-Access-Token"] = token
        user = auth.call("GET /users/me", get_user_info, UserRecord.from_wire)
    finally:
        auth.close()
    return AccountSession(auth_url, user.urls, token, secrets, settings)


class AccountSession:
    """A logged-in account: one HTTP client for the job service, shared by its projects."""

    def __init__(
        self,
        auth_url: str,
        urls: ServiceUrlsRecord,
        access_token: str,
        secrets: list[str],
        settings: HttpSettings,
    ) -> None:
        """Create the session (use :func:`login`).

        Args:
            auth_url: The authentication URL.
            urls: The service URLs from ``/users/me``.
            access_token: The access token.
            secrets: Tokens to redact from messages.
            settings: HTTP settings.
        """
        self.auth_url = auth_url
        self.urls = urls
        self._access_token = access_token
        self._wire = _Wire(urls.http.rstrip("/"), secrets, settings, access_token)

    def __repr__(self) -> str:
        return f"<AccountSession auth_url={self.auth_url!r} api_url={self.urls.http!r}>"

    def network(self) -> list[ProjectRef]:
        """``GET /Network``: the user's projects, the default one first.

        Returns:
            The projects.

        Raises:
            ApiError: On failure.
        """
        return self._wire.call("GET /Network", get_network, projects_from_network)

    def project(self, ref: ProjectRef, *, use_websocket: bool = True) -> ProjectOperations:
        """Return the API of one hub/group/project (no request is made).

        Args:
            ref: The project.
            use_websocket: Whether jobs wait on the status websocket before polling; with
                ``False`` they only poll (for networks that block websockets).

        Returns:
            Its API.
        """
        ws_url = self.urls.ws if use_websocket else None
        return ProjectOperations(self._wire, ref, ws_url, self._access_token)

    def close(self) -> None:
        """Close the HTTP client; the session and its projects can no longer be used."""
        self._wire.close()


class ProjectOperations:
    """The job and device calls of one hub/group/project; implements ``ProjectApi``.

    Every method raises :class:`~ibmqjob.exceptions.ApiError` on failure.
    """

    def __init__(self, wire: _Wire, ref: ProjectRef, ws_url: str | None, access_token: str) -> None:
        """Create the API (use :meth:`AccountSession.project`).

        Args:
            wire: The account's client.
            ref: The project.
            ws_url: The websocket base URL, if any.
            access_token: Sent in the websocket authentication frame.
        """
        self._wire = wire
        self.ref = ref
        self._hgp = (ref.hub, ref.group, ref.project)
        self._ws_url = ws_url
        self._access_token = access_token

    def __repr__(self) -> str:
        return f"<ProjectOperations {self.ref}>"

    def _call(
        self,
        what: str,
        operation: Operation,
        parse: Callable[[Any], _T],
        *path: str,
        **kwargs: Any,
    ) -> _T:
        """Call ``operation(hub, group, project, *path, **kwargs)`` of this project."""
        return self._wire.call(what, operation, parse, *self._hgp, *path, **kwargs)

    def _signed_url(self, what: str, operation: Operation, job_id: str) -> str:
        return self._call(what, operation, SignedUrlRecord.from_wire, job_id).url

    # ------------------------------------------------------------------ JobApi

    def job_get(self, job_id: str) -> JobRecord:
        """``GET /Jobs/{id}/v/1``: the full job document."""
        return self._call("GET /Jobs/{id}/v/1", get_job, JobRecord.from_wire, job_id)

    def job_status(self, job_id: str) -> StatusRecord:
        """``GET /Jobs/{id}/status/v/1``: the status and, while queued, the queue info."""
        what = "GET /Jobs/{id}/status/v/1"
        return self._call(what, get_job_status, StatusRecord.from_wire, job_id)

    def job_cancel(self, job_id: str) -> bool:
        """``POST /Jobs/{id}/cancel``: whether the server cancelled the job."""
        what = "POST /Jobs/{id}/cancel"
        return self._call(what, cancel_job, CancelRecord.from_wire, job_id).cancelled

    def job_result(self, job_id: str, url: str | None = None) -> JsonDict:
        """``GET /Jobs/{id}/resultDownloadUrl`` then the signed URL: the result document.

        With ``url`` (the signed URL a final websocket frame carried), the download goes
        there first; if it fails (an expired URL...), a fresh URL is asked for.
        """
        with self._wire.critical_path():
            return self._job_result(job_id, url)

    def _job_result(self, job_id: str, url: str | None) -> JsonDict:
        if url is not None:
            try:
                return decode_json_object(
                    self._wire.transfer("GET", url, "Result download"), "result"
                )
            except ApiError as err:
                logger.debug(
                    "Result of job %s not downloaded from the frame's URL: %s", job_id, err
                )
        url = self._signed_url("GET /Jobs/{id}/resultDownloadUrl", get_result_download_url, job_id)
        return decode_json_object(self._wire.transfer("GET", url, "Result download"), "result")

    def job_result_downloaded(self, job_id: str) -> None:
        """``POST /Jobs/{id}/resultDownloaded``, after a successful download.

        Deferred: sent before the account's next request (or at close, or at exit), so that
        ``result()`` returns without waiting for it. A failure is logged as a warning.
        """
        self._wire.defer(
            f"tell the server that the result of job {job_id} was downloaded",
            lambda: self._call(
                "POST /Jobs/{id}/resultDownloaded", result_downloaded, _ignore, job_id
            ),
        )

    def job_qobj(self, job_id: str) -> JsonDict:
        """``GET /Jobs/{id}/jobDownloadUrl`` then the signed URL: the Qobj document."""
        url = self._signed_url("GET /Jobs/{id}/jobDownloadUrl", get_job_download_url, job_id)
        return decode_json_object(self._wire.transfer("GET", url, "Qobj download"), "Qobj")

    def job_properties(self, job_id: str) -> JsonDict | None:
        """``GET /Jobs/{id}/properties``: the backend properties, ``None`` if empty."""
        return self._call(
            "GET /Jobs/{id}/properties", get_job_properties, _properties_document, job_id
        )

    def job_update_name(self, job_id: str, name: str) -> str | None:
        """``PUT /Jobs/{id}`` with ``{"name": name}``: the echoed name."""
        body = JobNameUpdate(name=name)
        return self._call("PUT /Jobs/{id}", update_job, _echoed_name, job_id, body=body)

    def job_update_tags(self, job_id: str, tags: list[str]) -> list[str] | None:
        """``PUT /Jobs/{id}`` with ``{"tags": tags}``: the echoed tags."""
        body = JobTagsUpdate(tags=list(tags))
        return self._call("PUT /Jobs/{id}", update_job, _echoed_tags, job_id, body=body)

    @property
    def time(self) -> TimeSource:
        """The account's clock and sleep, which jobs wait with."""
        return self._wire.settings.time

    def job_websocket(self, job_id: str) -> WebsocketTarget | None:
        """The status websocket of the job, ``None`` without a websocket URL."""
        if not self._ws_url:
            return None
        url = f"{self._ws_url.rstrip('/')}/jobs/{job_id}/status/v/1"
        return WebsocketTarget(url, self._access_token, policy=self._wire.settings.websocket)

    # ------------------------------------------------------------ other job calls

    def job_delete(self, job_id: str) -> None:
        """``DELETE /Jobs/{id}``: the job is no longer listed or retrievable.

        Args:
            job_id: The job.
        """
        self._call("DELETE /Jobs/{id}", delete_job, _ignore, job_id)

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
        """Create a job, upload its Qobj, and tell the server it was uploaded.

        If the upload or the callback fails, the job is cancelled (best effort) and the
        error is raised: no job is left behind in ``CREATING``.

        Args:
            backend_name: The backend to run on.
            qobj: The Qobj as a dict.
            name: Job name (sent if not empty).
            tags: Job tags (sent if not empty).
            experiment_id: Experiment tag (sent if not empty).
            live_data_enabled: Sent as ``liveDataEnabled`` (``null`` if ``None``).

        Returns:
            The job document returned by ``jobDataUploaded``.

        Raises:
            ValueError: If the Qobj cannot be encoded (nothing was sent).
            ApiError: On failure of any step (job limit: ``RequestsApiError`` code 3458).
        """
        content = encode_qobj(qobj)  # first: bad input creates no job
        body = JobCreateRequest(
            backend=BackendRef(name=backend_name),
            allow_object_storage=True,
            live_data_enabled=live_data_enabled,
            name=name or UNSET,
            tags=list(tags) if tags else UNSET,
            experiment_tag=experiment_id or UNSET,
        )
        job_id, upload_url = self._call("POST /Jobs", create_job, _created_job, body=body)
        try:
            if upload_url is None:
                raise ApiIBMQProtocolError(
                    f"The new job {job_id} has no objectStorageInfo.uploadUrl to upload to."
                )
            self._wire.transfer("PUT", upload_url, "Qobj upload", content)
            what = "POST /Jobs/{id}/jobDataUploaded"
            return self._call(what, job_data_uploaded, job_from_upload_answer, job_id)
        except BaseException:  # even an interrupt: a job stuck in CREATING counts as active
            self._cancel_quietly(job_id)
            raise

    def _cancel_quietly(self, job_id: str) -> None:
        try:
            self.job_cancel(job_id)
        except Exception as err:  # the original failure matters more than this one
            logger.warning("Could not cancel job %s after a failed submission: %s", job_id, err)

    def jobs_page(self, loopback_filter: Mapping[str, Any]) -> list[JobRecord]:
        """``GET /Jobs/status/v/1?filter=``: one page of job documents.

        Items that are not valid job documents are skipped with a warning, as the original
        client did, so that one bad document does not hide every other job.

        Args:
            loopback_filter: The LoopBack filter (``where``, ``order``, ``limit``, ``skip``).

        Returns:
            The jobs of the page, in the server's order.
        """
        text = json.dumps(loopback_filter, separators=(",", ":"))
        return self._call("GET /Jobs/status/v/1", list_jobs, _job_page, filter_=text)

    def job_ids_page(self, loopback_filter: Mapping[str, Any]) -> list[JobIdRecord]:
        """``GET /Jobs/v/1?filter=``: one page of id documents (id, creation date, live data).

        Args:
            loopback_filter: The LoopBack filter (``where``, ``order``, ``limit``, ``skip``);
                the ``fields`` of an id listing are added.

        Returns:
            The items of the page, in the server's order.

        Raises:
            ApiIBMQProtocolError: If an item has no id or no valid creation date.
        """
        text = json.dumps({**loopback_filter, "fields": JOB_ID_FIELDS}, separators=(",", ":"))
        return self._call("GET /Jobs/v/1", list_job_ids, _job_id_page, filter_=text)

    # ------------------------------------------------------------------ devices

    def backends(self) -> list[JsonDict]:
        """``GET /devices/v/1``: the backend configurations, as dicts."""
        return self._call("GET /devices/v/1", list_devices, backend_configurations)

    def backend_properties(self, backend_name: str, before: dt.datetime | None) -> JsonDict | None:
        """``GET /devices/{name}/properties``: the calibration, ``None`` if there is none.

        Args:
            backend_name: The backend.
            before: Ask for the calibration in force before this aware instant.
        """
        text: str | Unset = UNSET
        if before is not None:
            text = json.dumps({"where": {"last_update_date": {"lt": format_query(before)}}})
        return self._call(
            "GET /devices/{name}/properties",
            get_device_properties,
            _properties_document,
            backend_name,
            version=1,
            filter_=text,
        )

    def backend_defaults(self, backend_name: str) -> JsonDict | None:
        """``GET /devices/{name}/defaults``: the pulse defaults, ``None`` if there are none."""
        what = "GET /devices/{name}/defaults"
        return self._call(what, get_device_defaults, _defaults_document, backend_name)

    def backend_status(self, backend_name: str) -> QueueStatusRecord:
        """``GET /devices/{name}/queue/status``."""
        what = "GET /devices/{name}/queue/status"
        return self._call(what, get_device_queue_status, QueueStatusRecord.from_wire, backend_name)

    def backend_job_limit(self, backend_name: str) -> JobsLimitRecord:
        """``GET /devices/{name}/jobsLimit``."""
        what = "GET /devices/{name}/jobsLimit"
        return self._call(what, get_device_jobs_limit, JobsLimitRecord.from_wire, backend_name)

    # ------------------------------------------------------- reservations (account-wide)

    def backend_reservations(
        self, backend_name: str, since: dt.datetime | None, until: dt.datetime | None
    ) -> list[JsonDict]:
        """``GET /Network/devices/{backend}/bookings/v2``: reservations overlapping a window.

        Args:
            backend_name: The backend.
            since: Start of the window (aware), or ``None``.
            until: End of the window (aware), or ``None``.
        """
        return self._wire.call(
            "GET /Network/devices/{backend}/bookings/v2",
            get_backend_reservations,
            reservation_documents,
            backend_name,
            initial_date=UNSET if since is None else since,
            end_date=UNSET if until is None else until,
        )

    def my_reservations(self) -> list[JsonDict]:
        """``GET /Network/bookings/v2``: the account's reservations that have not ended."""
        what = "GET /Network/bookings/v2"
        return self._wire.call(what, get_my_reservations, reservation_documents)


# ---------------------------------------------------------------------- body parsers


def _properties_document(body: object) -> JsonDict | None:
    return optional_document(body, "backend properties")


def _defaults_document(body: object) -> JsonDict | None:
    return optional_document(body, "pulse defaults")


def _echoed_name(body: object) -> str | None:
    return JobRecord.from_wire(body).name


def _echoed_tags(body: object) -> list[str] | None:
    record = JobRecord.from_wire(body)
    # A job document always has tags once set; an answer without them did not echo them.
    return list(record.tags) if isinstance(body, Mapping) and body.get("tags") is not None else None


def _created_job(body: object) -> tuple[str, str | None]:
    """Read ``POST /Jobs``: the new job's id and the URL to upload its Qobj to."""
    record = JobRecord.from_wire(body)
    storage = record.extra.get("objectStorageInfo")
    url = storage.get("uploadUrl") if isinstance(storage, Mapping) else None
    return record.job_id, url if isinstance(url, str) and url else None


def _job_page(body: object) -> list[JobRecord]:
    if not isinstance(body, list):
        raise ApiIBMQProtocolError("not a list")
    records = []
    for item in body:
        try:
            records.append(JobRecord.from_wire(item))
        except ApiIBMQProtocolError as err:
            logger.warning("Skipping a job the server listed: %s", err.message)
    return records


def _job_id_page(body: object) -> list[JobIdRecord]:
    if not isinstance(body, list):
        raise ApiIBMQProtocolError("not a list")
    return [JobIdRecord.from_wire(item) for item in body]
