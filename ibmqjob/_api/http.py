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

from ..exceptions import ApiError, AuthenticationLicenseError, RequestsApiError
from ..settings import HttpSettings
from .retry import Attempt, Failure, next_delay

__all__ = [
    "ATTEMPTS_KEY",
    "CLIENT_APPLICATION",
    "STORAGE_TIMEOUT",
    "RetryTransport",
    "attempts_made",
    "build_client",
    "is_job_creation",
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

ATTEMPTS_KEY = "ibmqjob.attempts"
"""Request extension holding how many attempts the transport made."""

# Query parameters whose values are credentials (signed storage URLs).
_SECRET_PARAMS = frozenset({"signature", "sig", "x-amz-signature", "token", "access_token"})


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
        self._rand = settings.rand
        self._retried_statuses = (
            settings.policy.server_error_statuses | settings.policy.overload_statuses
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request, retrying as the policy allows.

        Args:
            request: The request.

        Returns:
            The first response that is not retried (possibly an error status once the
            retries are exhausted).

        Raises:
            httpx.TransportError: The last transport failure, when it is not retried.
        """
        attempts: list[Attempt] = []
        while True:
            request.extensions[ATTEMPTS_KEY] = len(attempts) + 1
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as err:
                failure = _failure_of(err)
                if failure is None:
                    raise
                attempts.append(Attempt(failure=failure))
                delay = self._next_delay(request, attempts)
                if delay is None:
                    raise
                self._log_retry(request, delay, type(err).__name__, len(attempts))
            else:
                if response.status_code not in self._retried_statuses:
                    return response
                attempts.append(
                    Attempt(
                        status_code=response.status_code,
                        retry_after=response.headers.get("Retry-After"),
                    )
                )
                delay = self._next_delay(request, attempts)
                if delay is None:
                    return response
                response.read()  # release the connection for reuse
                response.close()
                self._log_retry(request, delay, f"status {response.status_code}", len(attempts))
            self._sleep(delay)

    def close(self) -> None:
        """Close the wrapped transport if this transport owns it."""
        if self._owns_inner:
            self._inner.close()

    def _next_delay(self, request: httpx.Request, attempts: Sequence[Attempt]) -> float | None:
        creation = is_job_creation(request)
        if creation and not _surely_unprocessed(attempts[-1]):
            # A gateway may answer 5xx (503 included) after the server created the job:
            # repeating the request could create a second job.
            return None
        # Every other POST is safe to repeat: cancel and the upload/download callbacks are
        # idempotent on the server, login only mints another access token.
        return next_delay(
            self._policy, request.method, attempts, post_safe=not creation, rand=self._rand
        )

    def _log_retry(self, request: httpx.Request, delay: float, reason: str, failed: int) -> None:
        logger.info(
            "%s %s failed (%s); retry %d of at most %d in %.2f s",
            request.method,
            safe_url(request.url),
            reason,
            failed,
            self._policy.total,
            delay,
        )


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
            response.read()
            raise status_error(response, secrets)

    inner = settings.transport
    if inner is None:
        # HttpSettings.connections: kept alive and at most at once (20 by default, as httpx).
        limits = httpx.Limits(
            max_connections=settings.connections, max_keepalive_connections=settings.connections
        )
        inner = httpx.HTTPTransport(verify=settings.verify, limits=limits)
    return httpx.Client(
        base_url=base_url,
        headers=headers,
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        transport=RetryTransport(inner, settings, owns_inner=settings.transport is None),
        follow_redirects=False,
        event_hooks={"response": [raise_for_status]},
    )


def status_error(response: httpx.Response, secrets: Sequence[str]) -> ApiError:
    """Build the error for a response whose status is not 2xx.

    The message keeps the original client's shape: ``404 Client Error: Not Found for url:
    <url>. <message>, Error code: <code>.`` (the raw body when it is not an error envelope).

    Args:
        response: The response; its body must have been read.
        secrets: Tokens to remove from the message.

    Returns:
        ``AuthenticationLicenseError`` for a license to accept, else ``RequestsApiError``
        with the envelope's ``code`` (integer or string) and ``server_message``.
    """
    status = response.status_code
    kind = "Client Error" if 400 <= status < 500 else "Server Error" if status >= 500 else "Error"
    message = f"{status} {kind}: {response.reason_phrase} for url: {safe_url(response.url)}"
    envelope = _error_envelope(response.content)
    code: int | str | None = None
    server_message = None
    if envelope is not None:
        server_message = str(envelope.get("message", ""))
        raw_code = envelope.get("code")
        code = raw_code if isinstance(raw_code, int | str) else None
        message += f". {server_message}" + ("" if code is None else f", Error code: {code}.")
    elif response.content:
        message += ". " + response.content[:500].decode("utf-8", "replace")
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
    except ValueError:
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

    Returns:
        The response body.

    Raises:
        ApiError: On an error status or when no response came.
    """
    headers = {"Content-Type": "application/json"} if content is not None else None
    try:
        request = client.build_request(
            method, url, content=content, headers=headers, timeout=STORAGE_TIMEOUT
        )
        request.headers.pop("X-Access-Token", None)
        response = client.send(request, stream=True)
        try:
            return b"".join(response.iter_bytes())
        finally:
            response.close()
    except (httpx.TransportError, httpx.InvalidURL, httpx.StreamError) as err:
        raise transport_error(what, err, secrets) from err
