"""The error envelope and the API error codes used by the reference server.

Every error answer is ``{"error": {"message": str, "code": int, "status": int}}``
(plus ``name`` for login errors), with a 4xx status. Numeric codes follow the
registry of the IBM Quantum API where one exists:

* 1xxx: job validation (set on the job's ``error`` in ``ERROR_VALIDATING_JOB``)
* 2xxx: hubs, groups, projects, backends and authentication
* 3xxx: jobs, payloads, object storage, login; 3250 job not found, 3458 job limit
* 5xxx: execution (set on the job's ``error`` in ``ERROR_RUNNING_JOB``)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

# Validation of a Qobj (job error codes).
QOBJ_TOO_LARGE = 1001
VALIDATION_FAILED = 1002
QOBJ_SCHEMA = 1101
TOO_MANY_EXPERIMENTS = 1102
TOO_MANY_SHOTS = 1103
MEMORY_NOT_SUPPORTED = 1104
MORE_QUBITS_THAN_REGISTERS = 1105
NOT_IN_BASIS_GATES = 1106
COUPLING_MAP = 1107
PULSE_NOT_SUPPORTED = 1108
TOO_MANY_QUBITS = 1109
# Execution (job error codes).
EXECUTION_FAILED = 5204
# Request errors.
BACKEND_NOT_FOUND = 2000
AUTHENTICATION_REQUIRED = 2407
INVALID_ACCESS_TOKEN = 2408
GROUP_NOT_FOUND = 2909
HUB_NOT_FOUND = 2910
PROJECT_NOT_FOUND = 2913
RESULT_NOT_AVAILABLE = 3202
JOB_NOT_CANCELLED = 3208
TRANSITION_NOT_VALID = 3214
INVALID_FILTER = 3216
PAYLOAD_NOT_VALID = 3220
QOBJ_NOT_VALID = 3226
JOB_NOT_FOUND = 3250
JOB_NOT_UPLOADED = 3251
UPLOAD_EXPIRED = 3252
SIGNED_URL_INVALID = 3300
LICENSE_REQUIRED = 3444
LOGIN_FAILED = 3446
LOGIN_THROTTLED = 3449
JOB_LIMIT = 3458
BODY_WRONG = 3500
ROUTE_NOT_FOUND = 3811
REQUEST_TIMEOUT = 3408
METHOD_NOT_ALLOWED = 3812
PAYLOAD_TOO_LARGE = 3813
INTERNAL_ERROR = 1000


class ApiError(Exception):
    """An error answered to the client with the envelope.

    Args:
        status: HTTP status (4xx, or 500 for a bug).
        code: API error code.
        message: what was wrong, for a person to read.
        name: optional symbolic name (``ACCEPT_LICENSE_REQUIRED``).
        headers: extra response headers (``Allow`` for 405).
    """

    def __init__(
        self,
        status: int,
        code: int | str,
        message: str,
        *,
        name: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.name = name
        self.headers = dict(headers or {})

    def envelope(self) -> dict[str, Any]:
        """The JSON body of the error answer."""
        detail: dict[str, Any] = {"message": self.message, "code": self.code, "status": self.status}
        if self.name is not None:
            detail["name"] = self.name
        return {"error": detail}

    def response(self) -> JSONResponse:
        """The HTTP answer for this error."""
        return JSONResponse(self.envelope(), status_code=self.status, headers=self.headers)


def bad_request(message: str, code: int = BODY_WRONG) -> ApiError:
    """A 400 error."""
    return ApiError(400, code, message)


def not_found(message: str, code: int) -> ApiError:
    """A 404 error."""
    return ApiError(404, code, message)


def conflict(message: str, code: int = TRANSITION_NOT_VALID) -> ApiError:
    """A 409 error: the operation is not possible in the job's status."""
    return ApiError(409, code, message)


def job_not_found(job_id: str) -> ApiError:
    """The 404 answered for a job that does not exist for the caller."""
    return not_found(f"Job not found: {job_id}", JOB_NOT_FOUND)


def job_error(message: str, code: int) -> dict[str, Any]:
    """The ``error`` field of a failed job.

    The message does not repeat the code: clients show ``<message>. Error code: <code>.``
    (as the original client's ``error_message()`` does), so the code appears once.
    """
    return {"message": message.rstrip().rstrip("."), "code": code}
