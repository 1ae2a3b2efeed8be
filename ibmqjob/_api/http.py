"""The HTTP transport: one ``httpx.Client`` per account, bounded retries, no secret in logs.

:func:`build_client` makes the client of an account, through which ``ibmqjob/_api/operations.py``
sends every request:

* The access token travels as a static ``X-Access-Token`` header (no ``httpx.Auth`` flow, so
  recorded sessions replay the same requests), with ``X-Qx-Client-Application:
  ibmqjob/<version>``.
* Timeouts: 5 s to connect; a generous read timeout (300 s) for API calls; signed storage
  transfers pass their own, longer, timeout (:data:`STORAGE_TIMEOUT`).
* :class:`RetryTransport` retries transient failures following the pure policy of
  ``ibmqjob/_api/retry.py`` (connection errors, 5xx and the Cloudflare 520/522/524, 429/503 with a
  capped ``Retry-After``). Job creation (``POST .../Jobs``) is repeated only when the request
  surely did not create anything (no connection was made, or a 429 refusal): a retry must
  never create a second job. Sleeping is injected, so tests take no wall time.
* Deadlines (``ibmqjob/_api/deadline.py``): every attempt must complete, body included,
  within its connect and read timeouts added up, and within the deadline of the blocking
  call it is part of (``result(timeout=...)``). The socket layer
  (``ibmqjob/_api/transport.py``) shortens every read and write to what is left, so a server
  trickling a body byte by byte cannot hold a call past its deadline. Inside such a call,
  retries go on until the deadline (not for a fixed number of attempts) and end with
  ``UserTimeoutExceededError``.
* Bodies are read by the transport, in chunks, up to a limit (``HttpSettings.max_response_bytes``,
  or ``max_result_bytes`` for result downloads): a larger body, announced or not, fails with
  a ``RequestsApiError`` that names the limit, having buffered no more than it. A GET whose
  body is cut off is retried like any idempotent request that failed after it was sent.
* HTTP failures become :class:`~ibmqjob.exceptions.ApiError` here, in one place: a response
  hook turns every non-2xx status left after the retries into a ``RequestsApiError`` (with
  the ``{"error": {"message", "code"}}`` envelope decoded) before anyone parses it
  (:func:`status_error`), and :func:`transport_error` covers requests that got no response.
  Messages say how many attempts were made and never contain a token (``secrets``) or a URL
  signature. Logs show the method, the path and a redacted query; never a header.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
from collections.abc import Sequence
from typing import Any

import httpx

from ..exceptions import (
    ApiError,
    AuthenticationLicenseError,
    RequestsApiError,
    UserTimeoutExceededError,
)
from ..settings import HttpSettings
from .deadline import Deadline, current_deadline, current_io_deadline, earliest, io_scope
from .retry import Attempt, Failure, next_delay
from .transport import PooledTransport

__all__ = [
    "ATTEMPTS_KEY",
    "CLIENT_APPLICATION",
    "LIMIT_KEY",
    "STORAGE_TIMEOUT",
    "AccountClient",
    "RetryTransport",
    "attempts_made",
    "build_client",
    "close_response",
    "is_job_creation",
    "pool_limits",
    "pooled_transport",
    "read_limited",
    "safe_url",
    "status_error",
    "transfer",
    "transport_error",
]

logger = logging.getLogger(__name__)


def _package_version() -> str:
    try:
        return importlib.metadata.version("ibmqjob")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


CLIENT_APPLICATION = f"ibmqjob/{_package_version()}"
"""Value of the ``X-Qx-Client-Application`` header."""

STORAGE_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
"""Timeout of signed object-storage transfers (large Qobjs and results)."""


def pool_limits(connections: int) -> httpx.Limits:
    """Return the limits of an account's connection pool: as many kept alive as open.

    No idle connection is ever closed as "surplus" (a pool that does so may close one just
    handed to a waiting request, under that request: a failed job creation, the one request
    never repeated). Idle connections expire after 4 s, before the 5 s after which common
    servers (uvicorn, the reference server) close them: a connection reused just as the
    server closes it is reset.

    Args:
        connections: The most connections open at once (``HttpSettings.connections``).

    Returns:
        The limits.
    """
    return httpx.Limits(
        max_connections=connections,
        max_keepalive_connections=connections,
        keepalive_expiry=4.0,
    )


ATTEMPTS_KEY = "ibmqjob.attempts"
"""Request extension holding how many attempts the transport made."""

LIMIT_KEY = "ibmqjob.limit"
"""Request extension holding the largest body accepted and the setting that sets it."""

_NO_LIMIT = (2**62, "max_response_bytes")  # the transport has applied the account's

ERROR_BODY_SHOWN = 64 * 1024
"""How much of an error response's body is decoded for its message."""

# Query parameters whose values are credentials (signed storage URLs).
_SECRET_PARAMS = frozenset({"signature", "sig", "x-amz-signature", "token", "access_token"})


def pooled_transport(*, verify: bool = True, connections: int = 256) -> httpx.BaseTransport:
    """Return the transport of an account: :class:`~ibmqjob._api.transport.PooledTransport`
    with the limits of :func:`pool_limits`.

    Args:
        verify: Whether to verify TLS certificates.
        connections: The most connections open at once, all kept alive when idle
            (``HttpSettings.connections``).

    Returns:
        The transport.
    """
    limits = pool_limits(connections)
    assert limits.keepalive_expiry is not None
    return PooledTransport(
        verify=verify, connections=connections, keepalive_expiry=limits.keepalive_expiry
    )


def is_job_creation(request: httpx.Request) -> bool:
    """Return whether the request creates a job (``POST .../Projects/{p}/Jobs``).

    Args:
        request: The request.

    Returns:
        ``True`` for job creation, the one POST that must never be repeated.
    """
    return request.method.upper() == "POST" and request.url.path.rstrip("/").endswith("/Jobs")


def safe_url(url: httpx.URL | str) -> str:
    """Return the URL with the values of credential query parameters replaced by ``...``.

    Args:
        url: The URL.

    Returns:
        The URL as text, safe to log or show.
    """
    url = httpx.URL(url)
    if not url.query:
        return str(url)
    params = [
        (key, "..." if key.lower() in _SECRET_PARAMS else value)
        for key, value in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))


def attempts_made(request: httpx.Request | None) -> int:
    """Return how many attempts the transport made for a request (1 if unknown).

    Args:
        request: The request, or ``None``.

    Returns:
        The number of attempts.
    """
    if request is None:
        return 1
    value = request.extensions.get(ATTEMPTS_KEY, 1)
    return value if isinstance(value, int) else 1


def _failure_of(err: httpx.TransportError) -> Failure | None:
    if isinstance(err, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.CONNECT
    if isinstance(err, httpx.NetworkError | httpx.TimeoutException | httpx.RemoteProtocolError):
        return Failure.READ
    return None  # unsupported protocol, proxy or local protocol errors: retrying cannot help


def _surely_unprocessed(attempt: Attempt) -> bool:
    # The connection was never made, or the server said it refused the request (429).
    return attempt.failure is Failure.CONNECT or attempt.status_code == 429


class RetryTransport(httpx.BaseTransport):
    """A transport that retries transient failures of the transport it wraps."""

    def __init__(
        self, inner: httpx.BaseTransport, settings: HttpSettings, *, owns_inner: bool = True
    ) -> None:
        """Wrap a transport.

        Args:
            inner: The transport doing the I/O.
            settings: Retry policy, sleep and jitter source.
            owns_inner: Whether closing this transport closes ``inner`` (not for a transport
                given in the settings, which may serve several clients).
        """
        self._inner = inner
        self._owns_inner = owns_inner
        self._policy = settings.policy
        self._sleep = settings.time.sleep
        self._clock = settings.time.clock
        self._rand = settings.rand
        self._limit = (settings.max_response_bytes, "max_response_bytes")
        self._retried_statuses = (
            settings.policy.server_error_statuses | settings.policy.overload_statuses
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request and read its body, retrying as the policy and deadline allow.

        Args:
            request: The request.

        Returns:
            The first response that is not retried (possibly an error status once the
            retries are exhausted), its body read.

        Raises:
            httpx.TransportError: The last transport failure, when it is not retried.
            UserTimeoutExceededError: At the deadline of the blocking call in progress.
            RequestsApiError: If the body is larger than the limit.
        """
        caller = current_deadline()
        attempts: list[Attempt] = []
        while True:
            request.extensions[ATTEMPTS_KEY] = len(attempts) + 1
            if caller is not None and caller.expired():
                raise self._deadline_error(request, len(attempts))
            failed: httpx.TransportError | None = None
            try:
                with io_scope(earliest(caller, self._attempt_bound(request))):
                    response = self._inner.handle_request(request)
                    self._read_body(request, response)
            except httpx.TransportError as err:
                if caller is not None and caller.expired():
                    raise self._deadline_error(request, len(attempts) + 1) from err
                failure = _failure_of(err)
                if failure is None:
                    raise
                failed = err
                attempts.append(Attempt(failure=failure))
                reason = type(err).__name__
            else:
                if response.status_code not in self._retried_statuses:
                    return response
                attempts.append(
                    Attempt(
                        status_code=response.status_code,
                        retry_after=response.headers.get("Retry-After"),
                    )
                )
                reason = f"status {response.status_code}"
            delay = self._next_delay(request, attempts, caller)
            if delay is None:
                if failed is not None:
                    raise failed
                return response
            if caller is not None and caller.remaining() <= delay:
                raise self._deadline_error(request, len(attempts)) from failed
            self._log_retry(request, delay, reason, len(attempts), caller)
            self._sleep(delay)

    def _attempt_bound(self, request: httpx.Request) -> Deadline | None:
        """The instant an attempt must be complete by: its connect and read timeouts."""
        timeouts = request.extensions.get("timeout") or {}
        read = timeouts.get("read")
        if read is None:
            return None
        return Deadline(self._clock() + (timeouts.get("connect") or 0.0) + read, self._clock)

    def _read_body(self, request: httpx.Request, response: httpx.Response) -> None:
        """Read the body up to the limit and keep it in memory; the connection is released."""
        limit, setting = request.extensions.get(LIMIT_KEY, self._limit)
        try:
            response.content  # noqa: B018  # read already (by a transport this one wraps)?
        except httpx.ResponseNotRead:
            pass
        else:
            return  # kept as it is: its stream is spent; the caller's read applies the limit
        stream = response.stream
        if not isinstance(stream, httpx.SyncByteStream):
            return  # not a body this transport can read (an async stream): left as it is
        chunks: list[bytes] = []
        size = 0
        try:
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > limit:
                raise _too_large(request, response, limit, setting, announced=True)
            deadline = current_io_deadline()
            for chunk in stream:
                size += len(chunk)
                if size > limit:
                    raise _too_large(request, response, limit, setting)
                chunks.append(chunk)
                if deadline is not None and deadline.expired():
                    raise httpx.ReadTimeout("the body came too slowly", request=request)
        finally:
            stream.close()  # a connection whose body was not read to the end is discarded
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        del chunks
        response.stream = httpx.ByteStream(body)

    def close(self) -> None:
        """Close the wrapped transport if this transport owns it."""
        if self._owns_inner:
            self._inner.close()

    def _deadline_error(self, request: httpx.Request, tried: int) -> UserTimeoutExceededError:
        return UserTimeoutExceededError(
            f"no complete answer from {safe_url(request.url)} before the deadline of the call "
            f"({tried} attempt{'s' if tried != 1 else ''} made)"
        )

    def _next_delay(
        self, request: httpx.Request, attempts: Sequence[Attempt], caller: Deadline | None
    ) -> float | None:
        creation = is_job_creation(request)
        if creation and not _surely_unprocessed(attempts[-1]):
            # A gateway may answer 5xx (503 included) after the server created the job:
            # repeating the request could create a second job.
            return None
        # Every other POST is safe to repeat: cancel and the upload/download callbacks are
        # idempotent on the server, login only mints another access token.
        return next_delay(
            self._policy,
            request.method,
            attempts,
            post_safe=not creation,
            rand=self._rand,
            within_deadline=caller is not None,
        )

    def _log_retry(
        self,
        request: httpx.Request,
        delay: float,
        reason: str,
        failed: int,
        caller: Deadline | None,
    ) -> None:
        bound = (
            f"until the deadline, {caller.remaining():.1f} s away"
            if caller is not None
            else f"of at most {self._policy.total}"
        )
        logger.info(
            "%s %s failed (%s); retry %d %s in %.2f s",
            request.method,
            safe_url(request.url),
            reason,
            failed,
            bound,
            delay,
        )


def _too_large(
    request: httpx.Request,
    response: httpx.Response,
    limit: int,
    setting: str,
    *,
    announced: bool = False,
) -> RequestsApiError:
    size = f"announced as {response.headers['Content-Length']} bytes" if announced else "larger"
    return RequestsApiError(
        f"{request.method} {safe_url(request.url)}: the response body ({size}) exceeds the "
        f"limit of {limit} bytes set by HttpSettings.{setting}",
        response.status_code,
    )


def close_response(response: httpx.Response) -> None:
    """Close a response whose body was read, and free it at once.

    httpx's client binds a response's stream to the response (a reference cycle): left so,
    every response, with its request, headers and URL, waits for the cyclic garbage
    collector, about 25 objects a request that make the collector run, now and then through
    the whole heap of the process, for nothing. Its stream is spent: it is replaced by an
    empty one.
    """
    response.close()
    response.stream = _SPENT


_SPENT = httpx.ByteStream(b"")


def read_limited(response: httpx.Response, limit: int, setting: str) -> bytes:
    """Return the decoded body of a streamed response, refusing more than ``limit`` bytes.

    The transport has already bounded the body as sent; this bounds it once decompressed.

    Args:
        response: A response sent with ``stream=True``.
        limit: The largest body accepted.
        setting: The setting that sets the limit, for the message.

    Returns:
        The body.

    Raises:
        RequestsApiError: If the decoded body is larger than ``limit``.
    """
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _too_large(response.request, response, limit, setting)
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def build_client(
    base_url: str,
    *,
    access_token: str | None = None,
    secrets: Sequence[str] = (),
    settings: HttpSettings | None = None,
) -> httpx.Client:
    """Build the HTTP client of an account.

    Every response whose status is not 2xx (after the retries) is turned into an
    :class:`~ibmqjob.exceptions.ApiError` by a response hook, before anyone parses it.

    Args:
        base_url: The base URL that relative paths are resolved against.
        access_token: Sent as the ``X-Access-Token`` header when given.
        secrets: Tokens to remove from error messages; read at each error, so the caller may
            add to a list it passed.
        settings: Timeouts, retries and the transport; defaults if ``None``.

    Returns:
        The client. The caller closes it.
    """
    settings = settings or HttpSettings()
    headers = {"X-Qx-Client-Application": CLIENT_APPLICATION}
    if access_token:
        headers["X-Access-Token"] = access_token

    def raise_for_status(response: httpx.Response) -> None:
        if not response.is_success:
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) >= ERROR_BODY_SHOWN:
                    break
            response.close()
            raise status_error(response, secrets, bytes(content))

    inner = settings.transport
    if inner is None:
        inner = pooled_transport(verify=settings.verify, connections=settings.connections)
    return AccountClient(
        base_url=base_url,
        headers=headers,
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        transport=RetryTransport(inner, settings, owns_inner=settings.transport is None),
        follow_redirects=False,
        event_hooks={"response": [raise_for_status]},
    )


class _ResponseCookies(httpx.Cookies):
    """The account's cookie jar: a response that sets no cookie is not inspected (httpx
    wraps every response in ``urllib`` objects to offer it to the jar)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class AccountClient(httpx.Client):
    """``httpx.Client`` with two costs of every request taken out, its behaviour unchanged.

    * A path (``/Network/...``) is joined to the base URL as text: httpx would parse it, join
      the parsed paths and parse the result again.
    * Cookies are kept as httpx keeps them, but only responses with a ``Set-Cookie`` header
      are offered to the jar.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._account_cookies = _ResponseCookies()
        super().__init__(**kwargs)
        self._prefix_of: httpx.URL | None = None
        self._prefix = ""

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies sent with every request (those the server set included)."""
        return self._account_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._account_cookies = _ResponseCookies(cookies)

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        """Build a request as httpx does; a path is appended to the base URL as text."""
        if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
            base = self.base_url
            if base is not self._prefix_of:
                self._prefix_of, self._prefix = base, str(base).rstrip("/")
            if self._prefix:
                url = self._prefix + url
        return super().build_request(method, url, **kwargs)


def status_error(
    response: httpx.Response, secrets: Sequence[str], content: bytes | None = None
) -> ApiError:
    """Build the error for a response whose status is not 2xx.

    The message keeps the original client's shape: ``404 Client Error: Not Found for url:
    <url>. <message>, Error code: <code>.`` (the raw body when it is not an error envelope).

    Args:
        response: The response; its body must have been read unless ``content`` is given.
        secrets: Tokens to remove from the message.
        content: The (beginning of the) body, when the response was streamed.

    Returns:
        ``AuthenticationLicenseError`` for a license to accept, else ``RequestsApiError``
        with the envelope's ``code`` (integer or string) and ``server_message``.
    """
    status = response.status_code
    kind = "Client Error" if 400 <= status < 500 else "Server Error" if status >= 500 else "Error"
    message = f"{status} {kind}: {response.reason_phrase} for url: {safe_url(response.url)}"
    if content is None:
        content = response.content
    envelope = _error_envelope(content)
    code: int | str | None = None
    server_message = None
    if envelope is not None:
        server_message = str(envelope.get("message", ""))
        raw_code = envelope.get("code")
        code = raw_code if isinstance(raw_code, int | str) else None
        message += f". {server_message}" + ("" if code is None else f", Error code: {code}.")
    elif content:
        message += ". " + content[:500].decode("utf-8", "replace")
    attempts = attempts_made(response.request)
    if attempts > 1:
        message += f" (gave up after {attempts} attempts)"
    if status == 401 and envelope is not None and envelope.get("name") == "ACCEPT_LICENSE_REQUIRED":
        return AuthenticationLicenseError(
            message, status_code=status, code=code, server_message=server_message, secrets=secrets
        )
    return RequestsApiError(
        message, status, code=code, server_message=server_message, secrets=secrets
    )


def _error_envelope(content: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def transport_error(what: str, err: Exception, secrets: Sequence[str]) -> RequestsApiError:
    """Build the error for a request that got no response.

    Args:
        what: The request, for the message (``GET /Jobs/{id}/v/1``).
        err: The ``httpx`` error.
        secrets: Tokens to remove from the message.

    Returns:
        A ``RequestsApiError`` with ``status_code`` -1.
    """
    request = None
    if isinstance(err, httpx.RequestError):
        try:
            request = err.request
        except RuntimeError:  # raised before a request existed
            request = None
    attempts = attempts_made(request)
    after = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
    detail = str(err) or "no detail"
    return RequestsApiError(
        f"{what} failed: no response from the server ({type(err).__name__}: {detail}){after}",
        -1,
        secrets=secrets,
    )


def transfer(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    secrets: Sequence[str],
    content: bytes | None = None,
    limit: tuple[int, str] | None = None,
) -> bytes:
    """Send a request to a signed object-storage URL and return the body.

    The URL is used exactly as given (it may point to another host) and without the access
    token: a signed URL carries its own authorization. The body is streamed in.

    Args:
        client: The account's client.
        method: ``GET`` or ``PUT``.
        url: The signed URL.
        what: The transfer, for messages.
        secrets: Tokens to remove from messages.
        content: The JSON body of a ``PUT``.
        limit: The largest body accepted and the setting that sets it; the transport's
            (``max_response_bytes``) if ``None``.

    Returns:
        The response body.

    Raises:
        ApiError: On an error status, a body over the limit, or when no response came.
    """
    headers = {"Content-Type": "application/json"} if content is not None else None
    try:
        request = client.build_request(
            method, url, content=content, headers=headers, timeout=STORAGE_TIMEOUT
        )
        request.headers.pop("X-Access-Token", None)
        if limit is not None:
            request.extensions[LIMIT_KEY] = limit
        response = client.send(request, stream=True)
        try:
            return read_limited(response, *request.extensions.get(LIMIT_KEY, _NO_LIMIT))
        finally:
            close_response(response)
    except (httpx.TransportError, httpx.InvalidURL, httpx.StreamError, httpx.DecodingError) as err:
        raise transport_error(what, err, secrets) from err
