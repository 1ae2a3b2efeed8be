"""ibmqjob: a spec-driven SDK for the IBM Quantum legacy job API.

The public surface is what ``__all__`` lists; every other module is private.
"""

from qiskit.providers import JobStatus

from .exceptions import (
    ApiError,
    IBMQAccountError,
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
    RequestsApiError,
)
from .job import IBMQJob
from .queueinfo import QueueInfo
from .status import JOB_FINAL_STATES

# Accounts, providers and backends add their entry points here (account.py, provider.py,
# backend.py), with tests/unit/test_exports.py updated alongside.
__all__ = [
    "JOB_FINAL_STATES",
    "ApiError",
    "IBMQAccountError",
    "IBMQBackendApiError",
    "IBMQBackendApiProtocolError",
    "IBMQBackendError",
    "IBMQBackendJobLimitError",
    "IBMQBackendValueError",
    "IBMQError",
    "IBMQInputValueError",
    "IBMQJob",
    "IBMQJobApiError",
    "IBMQJobError",
    "IBMQJobFailureError",
    "IBMQJobInvalidStateError",
    "IBMQJobTimeoutError",
    "JobStatus",
    "QueueInfo",
    "RequestsApiError",
]

__version__ = "0.1.0"
