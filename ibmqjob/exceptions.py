"""Exceptions raised by ``ibmqjob``.

The tree keeps the names of ``qiskit-ibmq-provider`` so that code written for the original
client catches the same errors. The qiskit base classes are kept too: every error is a
``QiskitError``, job errors are qiskit ``JobError`` and the job timeout is also a qiskit
``JobTimeoutError``::

    QiskitError
    └── IBMQError
        ├── IBMQJobError (also qiskit JobError)
        │   ├── IBMQJobApiError            unexpected server or network error
        │   ├── IBMQJobFailureError        the job ended in ERROR
        │   ├── IBMQJobInvalidStateError   cancelled job, bad name/tags, unsupported result
        │   └── IBMQJobTimeoutError        (also qiskit JobTimeoutError)
        ├── IBMQBackendError
        │   ├── IBMQBackendApiError
        │   │   └── IBMQBackendApiProtocolError
        │   ├── IBMQBackendValueError      (also ValueError)
        │   │   └── IBMQPulseNotAvailableError pulse asked for where qiskit has none
        │   └── IBMQBackendJobLimitError   submit rejected with error code 3458
        ├── ApiError                       raised by the API layer (``JobApi``)
        │   ├── RequestsApiError           HTTP status error or transport failure
        │   ├── ApiIBMQProtocolError       a body that does not follow the protocol
        │   ├── AuthenticationLicenseError
        │   ├── UserTimeoutExceededError
        │   └── WebsocketError
        │       ├── WebsocketIBMQProtocolError
        │       ├── WebsocketAuthenticationError
        │       ├── WebsocketTimeoutError
        │       └── WebsocketRetryableError
        ├── IBMQAccountError
        │   ├── IBMQAccountCredentialsNotFound
        │   ├── IBMQAccountCredentialsInvalidFormat
        │   ├── IBMQAccountCredentialsInvalidToken
        │   ├── IBMQAccountCredentialsInvalidUrl
        │   ├── IBMQAccountMultipleCredentialsFound
        │   └── IBMQProviderError
        ├── IBMQAccountValueError (also ValueError)
        ├── IBMQInputValueError (also ValueError)
        ├── IBMQNotAuthorizedError
        └── IBMQApiError

``ApiError`` is the error contract of the API layer: it carries the HTTP ``status_code``
(``-1`` when no response was received), the decoded server error ``code`` and
``server_message`` when the body had the ``{"error": {...}}`` envelope, and a message from
which every secret handed to the constructor has been removed. ``IBMQJob`` translates it,
in one place, into ``IBMQJobApiError`` with ``raise ... from``.

Like every ``QiskitError``, ``str(error)`` is the ``repr`` of the message; the plain text
is ``error.message``.
"""

from __future__ import annotations

from collections.abc import Iterable

import qiskit
from qiskit.exceptions import QiskitError
from qiskit.providers.exceptions import JobError, JobTimeoutError

__all__ = [
    "ApiError",
    "ApiIBMQProtocolError",
    "AuthenticationLicenseError",
    "IBMQAccountCredentialsInvalidFormat",
    "IBMQAccountCredentialsInvalidToken",
    "IBMQAccountCredentialsInvalidUrl",
    "IBMQAccountCredentialsNotFound",
    "IBMQAccountError",
    "IBMQAccountMultipleCredentialsFound",
    "IBMQAccountValueError",
    "IBMQApiError",
    "IBMQBackendApiError",
    "IBMQBackendApiProtocolError",
    "IBMQBackendError",
    "IBMQBackendJobLimitError",
    "IBMQBackendValueError",
    "IBMQError",
    "IBMQInputValueError",
    "IBMQJobApiError",
    "IBMQJobError",
    "IBMQJobFailureError",
    "IBMQJobInvalidStateError",
    "IBMQJobTimeoutError",
    "IBMQNotAuthorizedError",
    "IBMQProviderError",
    "IBMQPulseNotAvailableError",
    "RequestsApiError",
    "UserTimeoutExceededError",
    "WebsocketAuthenticationError",
    "WebsocketError",
    "WebsocketIBMQProtocolError",
    "WebsocketRetryableError",
    "WebsocketTimeoutError",
    "pulse_unavailable_message",
    "redact",
]

REDACTED = "..."
"""What a secret is replaced with in messages (the original client used the same text)."""


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Return ``text`` with every occurrence of each secret replaced by ``...``.

    Args:
        text: The text to clean.
        secrets: Secrets (tokens) to remove; empty values and ``None`` are ignored.

    Returns:
        The cleaned text.
    """
    # Longest first, so that a secret containing another one is removed whole.
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class IBMQError(QiskitError):  # type: ignore[misc]  # qiskit ships no type information
    """Base class for every error raised by ``ibmqjob``."""


# ----------------------------------------------------------------------------- jobs


# The qiskit base comes first, as in the original, so the method resolution order matches.
class IBMQJobError(JobError, IBMQError):  # type: ignore[misc]
    """Base class for errors raised by ``IBMQJob``."""


class IBMQJobApiError(IBMQJobError):
    """An unexpected error happened while talking to the server about a job."""


class IBMQJobFailureError(IBMQJobError):
    """The job failed (it ended in ``ERROR``) and no usable result exists."""


class IBMQJobInvalidStateError(IBMQJobError):
    """The job is in a state, or was given input, that makes the request impossible."""


class IBMQJobTimeoutError(JobTimeoutError, IBMQJobError):  # type: ignore[misc]
    """The job did not reach the awaited state before the timeout."""


# -------------------------------------------------------------------------- backends


class IBMQBackendError(IBMQError):
    """Base class for errors raised by backends."""


class IBMQBackendApiError(IBMQBackendError):
    """An unexpected error happened while talking to the server about a backend."""


class IBMQBackendApiProtocolError(IBMQBackendApiError):
    """The server answered with data that does not follow the protocol."""


class IBMQBackendValueError(IBMQBackendError, ValueError):
    """A value given to a backend is invalid."""


class IBMQPulseNotAvailableError(IBMQBackendValueError):
    """Pulse was asked for (schedules, pulse defaults' schedules, pulse channels) with a qiskit
    that has no pulse module: qiskit 2 removed it, and ibmqjob runs pulse on qiskit 0.46 only."""


def pulse_unavailable_message(what: str) -> str:
    """The message of :class:`IBMQPulseNotAvailableError` about ``what``."""
    return (
        f"{what}: pulse is not available on qiskit >= 2 (installed: qiskit"
        f" {qiskit.__version__}); ibmqjob supports pulse on qiskit 0.46 only."
    )


class IBMQBackendJobLimitError(IBMQBackendError):
    """The job could not be submitted because the job limit was reached (code 3458)."""


# ------------------------------------------------------------------------- API layer


class ApiError(IBMQError):
    """An error raised by the API layer.

    Attributes:
        message: The message, with secrets removed.
        status_code: HTTP status of the response, or ``-1`` if no response was received.
        code: The ``error.code`` decoded from the server's error envelope, if any.
        server_message: The ``error.message`` of the envelope, if any (secrets removed).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int = -1,
        code: int | str | None = None,
        server_message: str | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        """Create the error.

        Args:
            message: What went wrong.
            status_code: HTTP status of the response, ``-1`` when there was none.
            code: The server's error code, if the body had one.
            server_message: The server's error message, if the body had one.
            secrets: Tokens to remove from ``message`` and ``server_message``.
        """
        secret_list = list(secrets)
        super().__init__(redact(message, secret_list))
        self.status_code = status_code
        self.code = code
        self.server_message = (
            None if server_message is None else redact(server_message, secret_list)
        )


class RequestsApiError(ApiError):
    """An HTTP request failed: an error status, or no response at all (``status_code=-1``).

    The positional ``status_code`` keeps the original ``RequestsApiError(message, status_code)``.
    """

    def __init__(
        self,
        message: str,
        status_code: int = -1,
        *,
        code: int | str | None = None,
        server_message: str | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        """Create the error.

        Args:
            message: What went wrong.
            status_code: HTTP status of the response, ``-1`` when there was none.
            code: The server's error code, if the body had one.
            server_message: The server's error message, if the body had one.
            secrets: Tokens to remove from ``message`` and ``server_message``.
        """
        super().__init__(
            message,
            status_code=status_code,
            code=code,
            server_message=server_message,
            secrets=secrets,
        )


class ApiIBMQProtocolError(ApiError):
    """The server answered with data that does not follow the protocol."""


class AuthenticationLicenseError(ApiError):
    """The user must accept the license before logging in."""


class UserTimeoutExceededError(ApiError):
    """A wait exceeded the timeout given by the user."""


class WebsocketError(ApiError):
    """An error on the job status websocket."""


class WebsocketIBMQProtocolError(WebsocketError):
    """A websocket frame does not follow the protocol."""


class WebsocketAuthenticationError(WebsocketError):
    """The websocket could not be authenticated."""


class WebsocketTimeoutError(WebsocketError):
    """The websocket wait exceeded its deadline."""


class WebsocketRetryableError(WebsocketError):
    """A websocket failure after which reconnecting may succeed."""


# -------------------------------------------------------------------------- accounts


class IBMQAccountError(IBMQError):
    """Base class for account errors."""


class IBMQAccountCredentialsNotFound(IBMQAccountError):
    """No credentials were found."""


class IBMQAccountCredentialsInvalidFormat(IBMQAccountError):
    """The stored credentials are malformed."""


class IBMQAccountCredentialsInvalidToken(IBMQAccountError):
    """The token is invalid."""


class IBMQAccountCredentialsInvalidUrl(IBMQAccountError):
    """The URL does not point to a server of this API."""


class IBMQAccountMultipleCredentialsFound(IBMQAccountError):
    """More than one set of credentials was found."""


class IBMQProviderError(IBMQAccountError):
    """A provider (hub/group/project) could not be found or used."""


class IBMQAccountValueError(IBMQError, ValueError):
    """A value given to an account function is invalid."""


class IBMQInputValueError(IBMQError, ValueError):
    """A value given by the user is invalid."""


class IBMQNotAuthorizedError(IBMQError):
    """The user is not authorized for the request."""


class IBMQApiError(IBMQError):
    """An error talking to the server outside of a job or backend request."""
