"""Adapter over the generated client: the only module that imports ``ibmq_api_client``.

:func:`login` runs the account discovery (``GET /version``, ``POST /users/loginWithToken``,
``GET /users/me``) and returns an :class:`AccountSession`; :meth:`AccountSession.project`
gives a :class:`ProjectApi` for one hub/group/project, which implements the
:class:`~ibmqjob._records.JobApi` protocol plus the device, submit and listing calls.

Errors follow the contract of ``ibmqjob/_records.py``: HTTP failures are translated by the
HTTP client (``ibmqjob/_http.py``: ``RequestsApiError`` with the server's error code);
:meth:`_Caller.call` adds the protocol failures, a 2xx body that is not JSON or lacks a
required field (``ApiIBMQProtocolError``). Generated models and ``Unset`` never leave this
module: answers become the records of ``ibmqjob/_records.py`` and
``ibmqjob/_account_records.py`` or plain JSON dicts.

Signed object-storage URLs are opaque (they may point to another host), so they are not
called through the generated storage operations. Results and Qobjs are read as bytes and
decoded with ``json.loads``; they never go through the generated models, which would be much
slower and add no check the SDK relies on.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from ibmq_api_client import AuthenticatedClient, Client
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
from ibmq_api_client.api.network import get_network
from ibmq_api_client.errors import UnexpectedStatus
from ibmq_api_client.models import (
    AccessToken,
    BackendProperties,
    BackendRef,
    CancelResponse,
    DeviceQueueStatus,
    Job,
    JobCreateRequest,
    JobDataUploadedResponse,
    JobNameUpdate,
    JobsLimit,
    JobStatusResponse,
    JobTagsUpdate,
    LoginRequest,
    PulseDefaults,
    SignedUrl,
    UserInfo,
    VersionInfo,
)
from ibmq_api_client.types import UNSET, Response, Unset

from ._account_records import (
    JobsLimitRecord,
    ProjectRef,
    QueueStatusRecord,
    ServiceUrlsRecord,
    decode_json_object,
    encode_qobj,
    projects_from_network,
)
from ._http import build_client, transfer, transport_error
from ._listing import JOB_ID_FIELDS, JobIdRecord
from ._records import JobRecord, StatusRecord, WebsocketTarget
from .exceptions import ApiError, ApiIBMQProtocolError, IBMQAccountCredentialsInvalidUrl
from .settings import HttpSettings, TimeSource

__all__ = ["AccountSession", "ProjectApi", "login"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
JsonDict = dict[str, Any]
_PARSE_ERRORS = (UnexpectedStatus, KeyError, TypeError, ValueError, AttributeError)


class _Caller:
    """Calls generated operations; adds protocol errors to the HTTP errors of the client."""

    def __init__(
        self, base_url: str, secrets: list[str], settings: HttpSettings, token: str | None
    ) -> None:
        self.secrets = secrets  # shared and mutable: the access token is added after login
        self.settings = settings
        self.http = build_client(base_url, access_token=token, secrets=secrets, settings=settings)
        client: Client | AuthenticatedClient
        if token:
            client = AuthenticatedClient(
                base_url,
                token=token,
                prefix="",
                auth_header_name="X-Access-Token",
                raise_on_unexpected_status=True,
            )
        else:
            client = Client(base_url, raise_on_unexpected_status=True)
        self.client = client.set_httpx_client(self.http)
        self._last = threading.local()  # the last 2xx response of each thread
        self.http.event_hooks["response"].append(self._remember)

    def _remember(self, response: httpx.Response) -> None:
        self._last.response = response

    def call_items(self, what: str, operation: Callable[..., Response[Any]]) -> list[Any]:
        """Like :meth:`call` for a list, returning the items as decoded JSON values.

        When the generated model rejects the page because of some items, the raw items are
        returned instead, so that the caller can skip only the bad ones.
        """
        try:
            return [item.to_dict() for item in self.call(list, what, operation)]
        except ApiIBMQProtocolError as err:
            response: httpx.Response | None = getattr(self._last, "response", None)
            try:
                items = None if response is None else json.loads(response.content)
            except ValueError:
                items = None
            if not isinstance(items, list):
                raise
            logger.warning("Reading the answer to %s item by item: %s", what, err.message)
            return items

    def call(self, kind: type[_T], what: str, operation: Callable[..., Response[Any]]) -> _T:
        """Run ``operation(client)`` and return its parsed 2xx body, checked to be a ``kind``.

        ``what`` names the request in messages (``GET /Jobs/{id}/v/1``). Raises ``ApiError``
        on any failure (see the module docstring).
        """
        try:
            parsed = operation(self.client).parsed
        except (httpx.TransportError, httpx.InvalidURL) as err:
            raise transport_error(what, err, self.secrets) from err
        except _PARSE_ERRORS as err:
            raise ApiIBMQProtocolError(
                f"Unexpected answer to {what}: {type(err).__name__}: {err}", secrets=self.secrets
            ) from err
        if not isinstance(parsed, kind):
            raise ApiIBMQProtocolError(
                f"Unexpected answer to {what}: {type(parsed).__name__}", secrets=self.secrets
            )
        return parsed

    def transfer(self, method: str, url: str, what: str, content: bytes | None = None) -> bytes:
        """Send a request to a signed storage URL (see ``ibmqjob._http.transfer``)."""
        return transfer(self.http, method, url, what=what, secrets=self.secrets, content=content)

    def close(self) -> None:
        """Close the HTTP client."""
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
    auth = _Caller(auth_url.rstrip("/"), secrets, settings, None)
    try:
        try:
            auth.call(VersionInfo, "GET /version", lambda c: get_version.sync_detailed(client=c))
        except ApiError as err:
            raise IBMQAccountCredentialsInvalidUrl(
                f"{auth_url} is not the URL of an IBM Quantum authentication service "
                f"(GET /version must answer a JSON object with 'api-auth'): {err.message}"
            ) from err
        body = LoginRequest(api_token=api_token)
        token = auth.call(
            AccessToken,
            "POST /users/loginWithToken",
            lambda c: login_with_token.sync_detailed(client=c, body=body),
        )
        if not isinstance(token.id, str) or not token.id:
            raise ApiIBMQProtocolError("The login answer has no access token.")
        secrets.append(token.id)
        auth.http.headers["X-Access-Token"] = token.id
        user = auth.call(UserInfo, "GET /users/me", lambda c: get_user_info.sync_detailed(client=c))
        urls = ServiceUrlsRecord.from_wire(user.urls.to_dict())
    finally:
        auth.close()
    return AccountSession(auth_url, urls, token.id, secrets, settings)


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
        self._caller = _Caller(urls.http.rstrip("/"), secrets, settings, access_token)

    def __repr__(self) -> str:
        return f"<AccountSession auth_url={self.auth_url!r} api_url={self.urls.http!r}>"

    def network(self) -> list[ProjectRef]:
        """``GET /Network``: the user's projects, the default one first.

        Returns:
            The projects.

        Raises:
            ApiError: On failure.
        """
        hubs = self._caller.call(
            list, "GET /Network", lambda c: get_network.sync_detailed(client=c)
        )
        return projects_from_network([hub.to_dict() for hub in hubs])

    def project(self, ref: ProjectRef, *, use_websocket: bool = True) -> ProjectApi:
        """Return the API of one hub/group/project (no request is made).

        Args:
            ref: The project.
            use_websocket: Whether jobs wait on the status websocket before polling; with
                ``False`` they only poll (for networks that block websockets).

        Returns:
            Its API.
        """
        ws_url = self.urls.ws if use_websocket else None
        return ProjectApi(self._caller, ref, ws_url, self._access_token)

    def close(self) -> None:
        """Close the HTTP client; the session and its projects can no longer be used."""
        self._caller.close()


class ProjectApi:
    """The job and device calls of one hub/group/project; implements ``JobApi``.

    Every method raises :class:`~ibmqjob.exceptions.ApiError` on failure.
    """

    def __init__(
        self, caller: _Caller, ref: ProjectRef, ws_url: str | None, access_token: str
    ) -> None:
        """Create the API (use :meth:`AccountSession.project`).

        Args:
            caller: The account's caller.
            ref: The project.
            ws_url: The websocket base URL, if any.
            access_token: Sent in the websocket authentication frame.
        """
        self._caller = caller
        self.ref = ref
        self._hgp = (ref.hub, ref.group, ref.project)
        self._ws_url = ws_url
        self._access_token = access_token

    def __repr__(self) -> str:
        return f"<ProjectApi {self.ref}>"

    def _on(self, kind: type[_T], what: str, operation: Any, *path: str, **query: Any) -> _T:
        """Call ``operation.sync_detailed(hub, group, project, *path, **query)``."""
        return self._caller.call(
            kind, what, lambda c: operation.sync_detailed(*self._hgp, *path, client=c, **query)
        )

    def _signed_url(self, what: str, operation: Any, job_id: str) -> str:
        url = self._on(SignedUrl, what, operation, job_id).url
        if not isinstance(url, str) or not url.strip():
            raise ApiIBMQProtocolError(f"Unexpected answer to {what}: no url.")
        return url

    # ------------------------------------------------------------------ JobApi

    def job_get(self, job_id: str) -> JobRecord:
        """``GET /Jobs/{id}/v/1``: the full job document."""
        job = self._on(Job, "GET /Jobs/{id}/v/1", get_job, job_id)
        return JobRecord.from_wire(job.to_dict())

    def job_status(self, job_id: str) -> StatusRecord:
        """``GET /Jobs/{id}/status/v/1``: the status and, while queued, the queue info."""
        body = self._on(JobStatusResponse, "GET /Jobs/{id}/status/v/1", get_job_status, job_id)
        return StatusRecord.from_wire(body.to_dict())

    def job_cancel(self, job_id: str) -> bool:
        """``POST /Jobs/{id}/cancel``: whether the server cancelled the job."""
        body = self._on(CancelResponse, "POST /Jobs/{id}/cancel", cancel_job, job_id)
        return "error" not in body.additional_properties and bool(body.cancelled)

    def job_result(self, job_id: str) -> JsonDict:
        """``GET /Jobs/{id}/resultDownloadUrl`` then the signed URL: the result document."""
        url = self._signed_url("GET /Jobs/{id}/resultDownloadUrl", get_result_download_url, job_id)
        return decode_json_object(self._caller.transfer("GET", url, "Result download"), "result")

    def job_result_downloaded(self, job_id: str) -> None:
        """``POST /Jobs/{id}/resultDownloaded``, after a successful download."""
        self._on(object, "POST /Jobs/{id}/resultDownloaded", result_downloaded, job_id)

    def job_qobj(self, job_id: str) -> JsonDict:
        """``GET /Jobs/{id}/jobDownloadUrl`` then the signed URL: the Qobj document."""
        url = self._signed_url("GET /Jobs/{id}/jobDownloadUrl", get_job_download_url, job_id)
        return decode_json_object(self._caller.transfer("GET", url, "Qobj download"), "Qobj")

    def job_properties(self, job_id: str) -> JsonDict | None:
        """``GET /Jobs/{id}/properties``: the backend properties, ``None`` if empty."""
        body = self._on(BackendProperties, "GET /Jobs/{id}/properties", get_job_properties, job_id)
        return body.to_dict() or None

    def job_update_name(self, job_id: str, name: str) -> str | None:
        """``PUT /Jobs/{id}`` with ``{"name": name}``: the echoed name."""
        job = self._on(Job, "PUT /Jobs/{id}", update_job, job_id, body=JobNameUpdate(name=name))
        return None if isinstance(job.name, Unset) else job.name

    def job_update_tags(self, job_id: str, tags: list[str]) -> list[str] | None:
        """``PUT /Jobs/{id}`` with ``{"tags": tags}``: the echoed tags."""
        body = JobTagsUpdate(tags=list(tags))
        job = self._on(Job, "PUT /Jobs/{id}", update_job, job_id, body=body)
        return None if isinstance(job.tags, Unset) else list(job.tags)

    @property
    def time(self) -> TimeSource:
        """The account's clock and sleep, which jobs wait with."""
        return self._caller.settings.time

    def job_websocket(self, job_id: str) -> WebsocketTarget | None:
        """The status websocket of the job, ``None`` without a websocket URL."""
        if not self._ws_url:
            return None
        url = f"{self._ws_url.rstrip('/')}/jobs/{job_id}/status/v/1"
        return WebsocketTarget(url, self._access_token, policy=self._caller.settings.websocket)

    # ------------------------------------------------------------ other job calls

    def job_delete(self, job_id: str) -> None:
        """``DELETE /Jobs/{id}``: the job is no longer listed or retrievable.

        Args:
            job_id: The job.
        """
        self._on(object, "DELETE /Jobs/{id}", delete_job, job_id)

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
        created = self._on(Job, "POST /Jobs", create_job, body=body)
        try:
            return self._upload_and_confirm(created, content)
        except BaseException:  # even an interrupt: a job stuck in CREATING counts as active
            self._cancel_quietly(created.id)
            raise

    def _upload_and_confirm(self, created: Job, content: bytes) -> JobRecord:
        info = created.object_storage_info
        url = None if isinstance(info, Unset) else info.upload_url
        if not isinstance(url, str) or not url:
            raise ApiIBMQProtocolError(
                f"The new job {created.id} has no objectStorageInfo.uploadUrl to upload to."
            )
        self._caller.transfer("PUT", url, "Qobj upload", content)
        what = "POST /Jobs/{id}/jobDataUploaded"
        answer = self._on(JobDataUploadedResponse, what, job_data_uploaded, created.id)
        return JobRecord.from_wire(answer.job.to_dict())

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
        what = "GET /Jobs/status/v/1"
        text = json.dumps(loopback_filter, separators=(",", ":"))
        # The request comes from the generated operation; the page is decoded straight from
        # JSON into records, because building and re-serialising a generated model per item
        # cost more than the request itself on pages of hundreds of jobs.
        request = list_jobs._get_kwargs(*self._hgp, filter_=text)
        try:
            response = self._caller.http.request(**request)
        except (httpx.TransportError, httpx.InvalidURL) as err:
            raise transport_error(what, err, self._caller.secrets) from err
        try:
            items = json.loads(response.content)
        except ValueError as err:
            raise ApiIBMQProtocolError(
                f"Unexpected answer to {what}: {err}", secrets=self._caller.secrets
            ) from err
        if not isinstance(items, list):
            raise ApiIBMQProtocolError(f"Unexpected answer to {what}: not a list")
        records = []
        for item in items:
            try:
                records.append(JobRecord.from_wire(item))
            except ApiIBMQProtocolError as err:
                logger.warning("Skipping a job the server listed: %s", err.message)
        return records

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
        items = self._caller.call_items(
            "GET /Jobs/v/1",
            lambda c: list_job_ids.sync_detailed(*self._hgp, client=c, filter_=text),
        )
        return [JobIdRecord.from_wire(item) for item in items]

    # ------------------------------------------------------------------ devices

    def backends(self) -> list[JsonDict]:
        """``GET /devices/v/1``: the backend configurations, as dicts."""
        items = self._caller.call_items(
            "GET /devices/v/1", lambda c: list_devices.sync_detailed(*self._hgp, client=c)
        )
        return [item for item in items if isinstance(item, dict)]

    def backend_properties(self, backend_name: str, before: dt.datetime | None) -> JsonDict | None:
        """``GET /devices/{name}/properties``: the calibration, ``None`` if there is none.

        Args:
            backend_name: The backend.
            before: Ask for the calibration in force before this aware instant.
        """
        text: str | Unset = UNSET
        if before is not None:
            iso = before.astimezone(dt.UTC).isoformat()
            text = json.dumps({"where": {"last_update_date": {"lt": iso}}})
        what = "GET /devices/{name}/properties"
        body = self._on(
            BackendProperties, what, get_device_properties, backend_name, version=1, filter_=text
        )
        return body.to_dict() or None

    def backend_defaults(self, backend_name: str) -> JsonDict | None:
        """``GET /devices/{name}/defaults``: the pulse defaults, ``None`` if there are none."""
        what = "GET /devices/{name}/defaults"
        return self._on(PulseDefaults, what, get_device_defaults, backend_name).to_dict() or None

    def backend_status(self, backend_name: str) -> QueueStatusRecord:
        """``GET /devices/{name}/queue/status``."""
        what = "GET /devices/{name}/queue/status"
        body = self._on(DeviceQueueStatus, what, get_device_queue_status, backend_name)
        return QueueStatusRecord.from_wire(body.to_dict())

    def backend_job_limit(self, backend_name: str) -> JobsLimitRecord:
        """``GET /devices/{name}/jobsLimit``."""
        what = "GET /devices/{name}/jobsLimit"
        body = self._on(JobsLimit, what, get_device_jobs_limit, backend_name)
        return JobsLimitRecord.from_wire(body.to_dict())
