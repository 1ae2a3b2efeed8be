"""ibmqjob: a spec-driven SDK for the IBM Quantum legacy job API.

The public surface is what ``__all__`` lists; every other module is private.
"""

from qiskit.providers import JobStatus

from .account import IBMQ, IBMQFactory
from .backend import IBMQBackend, IBMQRetiredBackend
from .backendjoblimit import BackendJobLimit
from .backendreservation import BackendReservation
from .exceptions import (
    ApiError,
    AuthenticationLicenseError,
    IBMQAccountCredentialsInvalidFormat,
    IBMQAccountCredentialsInvalidToken,
    IBMQAccountCredentialsInvalidUrl,
    IBMQAccountCredentialsNotFound,
    IBMQAccountError,
    IBMQAccountMultipleCredentialsFound,
    IBMQAccountValueError,
    IBMQApiError,
    IBMQBackendApiError,
    IBMQBackendApiProtocolError,
    IBMQBackendError,
    IBMQBackendJobLimitError,
    IBMQBackendValueError,
    IBMQError,
    IBMQInputValueError,
    IBMQJobApiError,
    IBMQJobError,
    IBMQJobFailureError,
    IBMQJobInvalidStateError,
    IBMQJobTimeoutError,
    IBMQNotAuthorizedError,
    IBMQProviderError,
    RequestsApiError,
)
from .job import IBMQJob
from .provider import AccountProvider, IBMQBackendService
from .queueinfo import QueueInfo
from .selection import least_busy
from .simulator import IBMQSimulator
from .status import JOB_FINAL_STATES

__all__ = [
    "IBMQ",
    "JOB_FINAL_STATES",
    "AccountProvider",
    "ApiError",
    "AuthenticationLicenseError",
    "BackendJobLimit",
    "BackendReservation",
    "IBMQAccountCredentialsInvalidFormat",
    "IBMQAccountCredentialsInvalidToken",
    "IBMQAccountCredentialsInvalidUrl",
    "IBMQAccountCredentialsNotFound",
    "IBMQAccountError",
    "IBMQAccountMultipleCredentialsFound",
    "IBMQAccountValueError",
    "IBMQApiError",
    "IBMQBackend",
    "IBMQBackendApiError",
    "IBMQBackendApiProtocolError",
    "IBMQBackendError",
    "IBMQBackendJobLimitError",
    "IBMQBackendService",
    "IBMQBackendValueError",
    "IBMQError",
    "IBMQFactory",
    "IBMQInputValueError",
    "IBMQJob",
    "IBMQJobApiError",
    "IBMQJobError",
    "IBMQJobFailureError",
    "IBMQJobInvalidStateError",
    "IBMQJobTimeoutError",
    "IBMQNotAuthorizedError",
    "IBMQProviderError",
    "IBMQRetiredBackend",
    "IBMQSimulator",
    "JobStatus",
    "QueueInfo",
    "RequestsApiError",
    "least_busy",
]

__version__ = "0.1.0"
