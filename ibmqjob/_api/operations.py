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
import copy
import dataclasses
import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

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
from ..exceptions import (
    ApiError,
    ApiIBMQProtocolError,
    IBMQAccountCredentialsInvalidUrl,
    RequestsApiError,
    UserTimeoutExceededError,
)
from ..settings import HttpSettings, TimeSource
from . import redact
from .codec import decode_json_object, decode_result_object, encode_qobj, loads
from .deadline import deadline_scope
from .http import (
    attempts_made,
    build_client,
    close_response,
    read_limited,
    transfer,
    transport_error,
)
from .records import (
    JOB_ID_FIELDS,
    JOB_LIST_FIELDS,
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
        self,
        base_url: str,
        secrets: list[str],
        settings: HttpSettings,
        token: str | None,
        relogin: Callable[[], str] | None = None,
    ) -> None:
        self.secrets = secrets  # shared and mutable: the access token is added after login
        self.settings = settings
        self.access_token = token
        self._relogin = relogin
        self._relogin_lock = threading.Lock()
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
        token = self.access_token
        try:
            response, content = self._send(what, operation, args, kwargs)
        except RequestsApiError as err:
            if err.status_code != 401 or self._relogin is None:
                raise
            self._renew(token, err)  # the access token expired: log in again, once
            response, content = self._send(what, operation, args, kwargs)
        if response.status_code not in operation.SUCCESS_STATUSES:
            raise self._protocol_error(what, f"undocumented status {response.status_code}")
        try:
            body = loads(content)
        except ValueError as err:
            raise self._protocol_error(what, f"the body is not JSON ({err})") from err
        try:
            return parse(body)
        except ApiIBMQProtocolError as err:
            raise self._protocol_error(what, err.message) from err

    def _send(
        self, what: str, operation: Operation, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[httpx.Response, bytes]:
        """Send the operation's request; the response and its body, read up to the cap."""
        try:
            request = operation.build_request(*args, client=self.client, **kwargs)
            response = self.http.send(request, stream=True)
            try:
                content = read_limited(
                    response, self.settings.max_response_bytes, "max_response_bytes"
                )
            finally:
                close_response(response)
        except (httpx.TransportError, httpx.InvalidURL, httpx.DecodingError) as err:
            raise transport_error(what, err, self.secrets) from err
        except UserTimeoutExceededError as err:
            raise UserTimeoutExceededError(f"{what} failed: {err.message}") from err
        return response, content

    def _renew(self, used: str | None, refused: RequestsApiError) -> None:
        """Replace the access token ``used`` that the server refused (401) by a new login.

        Threads that were refused the same token wait for one login and use its token.

        Raises:
            RequestsApiError: 401 when the API token itself is refused now.
        """
        assert self._relogin is not None
        with self._relogin_lock:
            if self.access_token != used:
                return  # another thread logged in again meanwhile
            logger.info("The access token was refused (%s); logging in again.", refused.message)
            try:
                token = self._relogin()
            except RequestsApiError as err:
                if err.status_code not in (401, 403):
                    raise
                raise RequestsApiError(
                    f"The access token was refused ({refused.message}) and logging in again "
                    f"failed: the server rejected the API token: {err.message}",
                    err.status_code,
                    code=err.code,
                    server_message=err.server_message,
                    secrets=self.secrets,
                ) from err
            self.secrets.append(token)
            redact.remember([token])
            self.http.headers["X-Access-Token"] = token
            self.access_token = token

    def _protocol_error(self, what: str, detail: str) -> ApiIBMQProtocolError:
        return ApiIBMQProtocolError(f"Unexpected answer to {what}: {detail}", secrets=self.secrets)

    def transfer(
        self,
        method: str,
        url: str,
        what: str,
        content: bytes | None = None,
        *,
        result: bool = False,
    ) -> bytes:
        """Send a request to a signed storage URL (see ``ibmqjob._api.http.transfer``).

        The body is limited by ``max_result_bytes`` for a ``result`` download, else by
        ``max_response_bytes``. Deferred work is done first, except on the critical path.
        """
        if self._deferred and not getattr(self._local, "critical", False):
            self.flush()
        limit = (
            (self.settings.max_result_bytes, "max_result_bytes")
            if result
            else (self.settings.max_response_bytes, "max_response_bytes")
        )
        return transfer(
            self.http, method, url, what=what, secrets=self.secrets, content=content, limit=limit
        )

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
        IBMQAccountCredentialsInvalidUrl: If ``/version`` answers, but not like a service of
            this API.
        RequestsApiError: ``cannot reach <url>: <reason>`` (``status_code`` -1) when no
            answer came, after the retries; 401 for a rejected token.
        ApiError: On any other failure.
    """
    settings = settings or HttpSettings()
    redact.install()
    secrets = [api_token]
    redact.remember(secrets)
    try:
        auth = _Wire(auth_url.rstrip("/"), secrets, settings, None)
        try:
            _check_version(auth, auth_url)
            token = _access_token(auth, api_token)
            secrets.append(token)
            redact.remember([token])
            auth.http.headers["X-Access-Token"] = token
            user = auth.call("GET /users/me", get_user_info, UserRecord.from_wire)
        finally:
            auth.close()
    except BaseException:
        redact.forget(secrets)
        raise

    def relogin() -> str:
        wire = _Wire(auth_url.rstrip("/"), secrets, settings, None)
        try:
            return _access_token(wire, api_token)
        finally:
            wire.close()

    return AccountSession(auth_url, user.urls, token, secrets, settings, relogin)


def _check_version(auth: _Wire, auth_url: str) -> None:
    try:
        auth.call("GET /version", get_version, VersionRecord.from_wire)
    except RequestsApiError as err:
        if err.status_code != -1:
            raise _not_auth_service(auth_url, err) from err
        cause = err.__cause__
        reason = f"{type(cause).__name__}: {cause}" if cause is not None else err.message
        attempts = attempts_made(_request_of(cause))
        after = f" (after {attempts} attempts)" if attempts > 1 else ""
        raise RequestsApiError(
            f"cannot reach {auth_url}: {reason or 'no detail'}{after}", -1, secrets=auth.secrets
        ) from err
    except ApiError as err:
        raise _not_auth_service(auth_url, err) from err


def _request_of(err: BaseException | None) -> httpx.Request | None:
    try:
        return err.request if isinstance(err, httpx.RequestError) else None
    except RuntimeError:  # raised before a request existed
        return None


def _not_auth_service(auth_url: str, err: ApiError) -> IBMQAccountCredentialsInvalidUrl:
    return IBMQAccountCredentialsInvalidUrl(
        f"{auth_url} is not the URL of an IBM Quantum authentication service "
        f"(GET /version must answer a JSON object with 'api-auth'): {err.message}"
    )


def _access_token(auth: _Wire, api_token: str) -> str:
    return auth.call(
        "POST /users/loginWithToken",
        login_with_token,
        AccessTokenRecord.from_wire,
        body=LoginRequest(api_token=api_token),
    ).token


class AccountSession:
    """A logged-in account: one HTTP client for the job service, shared by its projects."""

    def __init__(
        self,
        auth_url: str,
        urls: ServiceUrlsRecord,
        access_token: str,
        secrets: list[str],
        settings: HttpSettings,
        relogin: Callable[[], str] | None = None,
    ) -> None:
        """Create the session (use :func:`login`).

        Args:
            auth_url: The authentication URL.
            urls: The service URLs from ``/users/me``.
            access_token: The access token.
            secrets: Tokens to redact from messages.
            settings: HTTP settings.
            relogin: Logs in again and returns a new access token, when the server
                refuses the current one (401); ``None`` not to.
        """
        self.auth_url = auth_url
        self.urls = urls
        self._secrets = secrets
        self._wire = _Wire(urls.http.rstrip("/"), secrets, settings, access_token, relogin)

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
        return ProjectOperations(self._wire, ref, ws_url)

    def close(self) -> None:
        """Close the HTTP client; the session and its projects can no longer be used."""
        self._wire.close()
        redact.forget(self._secrets)


class ProjectOperations:
    """The job and device calls of one hub/group/project; implements ``ProjectApi``.

    Every method raises :class:`~ibmqjob.exceptions.ApiError` on failure.
    """

    def __init__(self, wire: _Wire, ref: ProjectRef, ws_url: str | None) -> None:
        """Create the API (use :meth:`AccountSession.project`).

        Args:
            wire: The account's client (its access token is sent in the websocket
                authentication frame).
            ref: The project.
            ws_url: The websocket base URL, if any.
        """
        self._wire = wire
        self.ref = ref
        self._hgp = (ref.hub, ref.group, ref.project)
        self._ws_url = ws_url

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
        return self._call(f"GET /Jobs/{job_id}/v/1", get_job, JobRecord.from_wire, job_id)

    def job_status(self, job_id: str) -> StatusRecord:
        """``GET /Jobs/{id}/status/v/1``: the status and, while queued, the queue info."""
        what = f"GET /Jobs/{job_id}/status/v/1"
        return self._call(what, get_job_status, StatusRecord.from_wire, job_id)

    def job_cancel(self, job_id: str) -> bool:
        """``POST /Jobs/{id}/cancel``: whether the server cancelled the job."""
        what = f"POST /Jobs/{job_id}/cancel"
        return self._call(what, cancel_job, CancelRecord.from_wire, job_id).cancelled

    def job_result(self, job_id: str, url: str | None = None) -> JsonDict:
        """``GET /Jobs/{id}/resultDownloadUrl`` then the signed URL: the result document.

        With ``url`` (the signed URL a final websocket frame carried), the download goes
        there first; if it fails (an expired URL...), a fresh URL is asked for. Per-shot
        memory of fixed-width items is a ``MemoryColumn`` (``codec.decode_result_object``).
        """
        with self._wire.critical_path():
            return self._job_result(job_id, url)

    def _job_result(self, job_id: str, url: str | None) -> JsonDict:
        if url is not None:
            try:
                return decode_result_object(
                    self._wire.transfer("GET", url, f"Result download of job {job_id}", result=True)
                )
            except ApiError as err:
                logger.debug(
                    "Result of job %s not downloaded from the frame's URL: %s", job_id, err
                )
        what = f"GET /Jobs/{job_id}/resultDownloadUrl"
        url = self._signed_url(what, get_result_download_url, job_id)
        content = self._wire.transfer("GET", url, f"Result download of job {job_id}", result=True)
        return decode_result_object(content)

    def job_result_downloaded(self, job_id: str) -> None:
        """``POST /Jobs/{id}/resultDownloaded``, after a successful download.

        Deferred: sent before the account's next request (or at close, or at exit), so that
        ``result()`` returns without waiting for it. A failure is logged as a warning.
        """
        self._wire.defer(
            f"tell the server that the result of job {job_id} was downloaded",
            lambda: self._call(
                f"POST /Jobs/{job_id}/resultDownloaded", result_downloaded, _ignore, job_id
            ),
        )

    def job_qobj(self, job_id: str) -> JsonDict:
        """``GET /Jobs/{id}/jobDownloadUrl`` then the signed URL: the Qobj document."""
        what = f"GET /Jobs/{job_id}/jobDownloadUrl"
        url = self._signed_url(what, get_job_download_url, job_id)
        content = self._wire.transfer("GET", url, f"Qobj download of job {job_id}")
        return decode_json_object(content, "Qobj")

    def job_properties(self, job_id: str) -> JsonDict | None:
        """``GET /Jobs/{id}/properties``: the backend properties, ``None`` if empty."""
        return self._call(
            f"GET /Jobs/{job_id}/properties", get_job_properties, _properties_document, job_id
        )

    def job_update_name(self, job_id: str, name: str) -> str | None:
        """``PUT /Jobs/{id}`` with ``{"name": name}``: the echoed name."""
        body = JobNameUpdate(name=name)
        return self._call(f"PUT /Jobs/{job_id}", update_job, _echoed_name, job_id, body=body)

    def job_update_tags(self, job_id: str, tags: list[str]) -> list[str] | None:
        """``PUT /Jobs/{id}`` with ``{"tags": tags}``: the echoed tags."""
        body = JobTagsUpdate(tags=list(tags))
        return self._call(f"PUT /Jobs/{job_id}", update_job, _echoed_tags, job_id, body=body)

    @property
    def time(self) -> TimeSource:
        """The account's clock and sleep, which jobs wait with."""
        return self._wire.settings.time

    def job_websocket(self, job_id: str) -> WebsocketTarget | None:
        """The status websocket of the job, ``None`` without a websocket URL."""
        if not self._ws_url:
            return None
        url = f"{self._ws_url.rstrip('/')}/jobs/{job_id}/status/v/1"
        token = self._wire.access_token or ""
        return WebsocketTarget(
            url, token, policy=self._wire.settings.websocket, defer=self._wire.defer
        )

    # ------------------------------------------------------------ other job calls

    def job_delete(self, job_id: str) -> None:
        """``DELETE /Jobs/{id}``: the job is no longer listed or retrievable.

        Args:
            job_id: The job.
        """
        self._call(f"DELETE /Jobs/{job_id}", delete_job, _ignore, job_id)

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

        The whole submission runs within ``HttpSettings.submit_timeout``: transient failures
        are retried until then (job creation only when the server surely did not act). What
        happens when a step fails:

        * ``POST /Jobs``: no job id is known. The error says whether a job may have been
          created (the request may have reached the server) or surely was not.
        * the upload: the server was not told to run the job, so it is cancelled (it would
          stay in ``CREATING``); the error names it and says whether it was cancelled.
        * ``POST /Jobs/<id>/jobDataUploaded``: the outcome is asked of the server (the job's
          status) before deciding. A job past ``CREATING`` was accepted: it is returned. A
          job the server explicitly refused is cancelled. Otherwise (still ``CREATING``, or
          no answer) the job is left alone, since the server may still accept it, and the
          error names it and says that it exists.

        Args:
            backend_name: The backend to run on.
            qobj: The Qobj as a dict.
            name: Job name (sent if not empty).
            tags: Job tags (sent if not empty).
            experiment_id: Experiment tag (sent if not empty).
            live_data_enabled: Sent as ``liveDataEnabled`` (``null`` if ``None``).

        Returns:
            The job document: the answer of ``jobDataUploaded``, or the job as the server
            describes it when that answer was lost.

        Raises:
            ValueError: If the Qobj cannot be encoded (nothing was sent).
            ApiError: On failure of any step (job limit: ``RequestsApiError`` code 3458),
                its message naming the job id when there is one and whether the job exists.
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
        settings = self._wire.settings
        with deadline_scope(settings.time.clock, settings.submit_timeout):
            try:
                created = self._call("POST /Jobs", create_job, _created_job, body=body)
            except ApiError as err:
                if _surely_not_acted_on(err):
                    raise _noted(err, "No job was created.") from err
                raise _noted(
                    err,
                    "The server may have created a job before the answer was lost; its id is "
                    "unknown. List your jobs (backend.jobs()) before submitting again.",
                ) from err
            job_id, upload_url = created.job_id, created.upload_url
            try:
                if upload_url is None:
                    raise ApiIBMQProtocolError(
                        f"The new job {job_id} has no objectStorageInfo.uploadUrl to upload to."
                    )
                self._wire.transfer("PUT", upload_url, f"Qobj upload of job {job_id}", content)
            except BaseException as err:  # even an interrupt: a job in CREATING counts as active
                # jobDataUploaded was not sent: the server cannot have accepted the job.
                cancelled = self._cancel_quietly(job_id)
                if isinstance(err, ApiError):
                    outcome = (
                        "it was cancelled."
                        if cancelled
                        else "cancelling it failed too: it exists, in CREATING."
                    )
                    raise _noted(
                        err,
                        f"Job {job_id} was created but its Qobj was not uploaded; the server "
                        f"was not asked to run it, and {outcome}",
                    ) from err
                raise
            what = f"POST /Jobs/{job_id}/jobDataUploaded"
            try:
                return self._call(what, job_data_uploaded, job_from_upload_answer, job_id)
            except ApiError as err:
                return self._settle_submission(job_id, created.record, err)
            except BaseException:
                logger.warning(
                    "Interrupted while job %s was being submitted: it exists and may run; "
                    "it was not cancelled.",
                    job_id,
                )
                raise

    def _settle_submission(self, job_id: str, created: JobRecord, err: ApiError) -> JobRecord:
        """Find out from the server what became of a job whose ``jobDataUploaded`` failed."""
        settings = self._wire.settings
        # The submission's deadline may be spent: asking is worth a short time of its own.
        grace = min(30.0, settings.read_timeout or 30.0)
        try:
            with deadline_scope(settings.time.clock, grace, replace=True):
                status = self.job_status(job_id)
        except ApiError as check:
            raise _noted(
                err,
                f"Job {job_id} exists on the server; whether it accepted the job is unknown "
                f"(asking for its status failed too: {check.message}). It was not cancelled: "
                f"check it with backend.retrieve_job('{job_id}') before submitting again.",
            ) from err
        if status.status.upper() != "CREATING":
            logger.info(
                "The answer to %s was lost (%s), but job %s is %s: it was accepted.",
                f"POST /Jobs/{job_id}/jobDataUploaded",
                err.message,
                job_id,
                status.status,
            )
            try:
                with deadline_scope(settings.time.clock, grace, replace=True):
                    return self.job_get(job_id)
            except ApiError:
                return dataclasses.replace(
                    created, status=status.status, info_queue=status.info_queue
                )
        if _surely_not_acted_on(err) or isinstance(err, ApiIBMQProtocolError):
            cancelled = self._cancel_quietly(job_id)
            outcome = "it was cancelled" if cancelled else "cancelling it failed: it exists"
            raise _noted(
                err,
                f"Job {job_id} was not accepted by the server (it is still CREATING) and "
                f"{outcome}.",
            ) from err
        raise _noted(
            err,
            f"Job {job_id} exists on the server, still CREATING: the server may yet accept "
            f"it, so it was not cancelled. Check it with backend.retrieve_job('{job_id}') "
            "before submitting again.",
        ) from err

    def _cancel_quietly(self, job_id: str) -> bool:
        try:
            with deadline_scope(self.time.clock, 30.0, replace=True):
                return self.job_cancel(job_id)
        except Exception as err:  # the original failure matters more than this one
            logger.warning("Could not cancel job %s after a failed submission: %s", job_id, err)
            return False

    def jobs_page(self, loopback_filter: Mapping[str, Any]) -> list[JobRecord]:
        """``GET /Jobs/status/v/1?filter=``: one page of job documents.

        The documents are projected on :data:`JOB_LIST_FIELDS` (the filter's ``fields``):
        the server sends a third of the bytes, and the records are ``partial``.
        Items that are not valid job documents are skipped with a warning, as the original
        client did, so that one bad document does not hide every other job.

        Args:
            loopback_filter: The LoopBack filter (``where``, ``order``, ``limit``, ``skip``);
                the ``fields`` of a job listing are added.

        Returns:
            The jobs of the page, in the server's order.
        """
        text = json.dumps({**loopback_filter, "fields": JOB_LIST_FIELDS}, separators=(",", ":"))
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
            f"GET /devices/{backend_name}/properties",
            get_device_properties,
            _properties_document,
            backend_name,
            version=1,
            filter_=text,
        )

    def backend_defaults(self, backend_name: str) -> JsonDict | None:
        """``GET /devices/{name}/defaults``: the pulse defaults, ``None`` if there are none."""
        what = f"GET /devices/{backend_name}/defaults"
        return self._call(what, get_device_defaults, _defaults_document, backend_name)

    def backend_status(self, backend_name: str) -> QueueStatusRecord:
        """``GET /devices/{name}/queue/status``."""
        what = f"GET /devices/{backend_name}/queue/status"
        return self._call(what, get_device_queue_status, QueueStatusRecord.from_wire, backend_name)

    def backend_job_limit(self, backend_name: str) -> JobsLimitRecord:
        """``GET /devices/{name}/jobsLimit``."""
        what = f"GET /devices/{backend_name}/jobsLimit"
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
            f"GET /Network/devices/{backend_name}/bookings/v2",
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


class _Created(NamedTuple):
    """The answer of ``POST /Jobs``."""

    job_id: str
    upload_url: str | None
    record: JobRecord


def _created_job(body: object) -> _Created:
    """Read ``POST /Jobs``: the new job's id and the URL to upload its Qobj to."""
    record = JobRecord.from_wire(body)
    storage = record.extra.get("objectStorageInfo")
    url = storage.get("uploadUrl") if isinstance(storage, Mapping) else None
    return _Created(record.job_id, url if isinstance(url, str) and url else None, record)


def _surely_not_acted_on(err: ApiError) -> bool:
    """Whether a failed request surely had no effect: refused (4xx, 429) or never sent."""
    if isinstance(err, UserTimeoutExceededError | ApiIBMQProtocolError):
        return False
    if 400 <= err.status_code < 500 and err.status_code != 408:
        return True
    cause = err.__cause__
    return isinstance(err, RequestsApiError) and isinstance(
        cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
    )


def _noted(err: ApiError, note: str) -> ApiError:
    """The same error (class, status and code kept) with ``note`` added to its message."""
    noted = copy.copy(err)
    stop = "" if err.message.endswith(".") else "."
    noted.message = f"{err.message}{stop} {note}"
    noted.args = (noted.message,)
    return noted


def _job_page(body: object) -> list[JobRecord]:
    if not isinstance(body, list):
        raise ApiIBMQProtocolError("not a list")
    records = []
    for item in body:
        try:
            records.append(JobRecord.from_wire(item, projected=True))
        except ApiIBMQProtocolError as err:
            logger.warning("Skipping a job the server listed: %s", err.message)
    return records


def _job_id_page(body: object) -> list[JobIdRecord]:
    if not isinstance(body, list):
        raise ApiIBMQProtocolError("not a list")
    return [JobIdRecord.from_wire(item) for item in body]
