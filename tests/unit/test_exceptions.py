"""The exception tree, its qiskit base classes and token redaction."""

from __future__ import annotations

import pytest
from qiskit.exceptions import QiskitError
from qiskit.providers.exceptions import JobError, JobTimeoutError

from ibmqjob import exceptions as ex

TREE = {
    ex.IBMQError: QiskitError,
    ex.IBMQJobError: ex.IBMQError,
    ex.IBMQJobApiError: ex.IBMQJobError,
    ex.IBMQJobFailureError: ex.IBMQJobError,
    ex.IBMQJobInvalidStateError: ex.IBMQJobError,
    ex.IBMQJobTimeoutError: ex.IBMQJobError,
    ex.IBMQBackendError: ex.IBMQError,
    ex.IBMQBackendApiError: ex.IBMQBackendError,
    ex.IBMQBackendApiProtocolError: ex.IBMQBackendApiError,
    ex.IBMQBackendValueError: ex.IBMQBackendError,
    ex.IBMQBackendJobLimitError: ex.IBMQBackendError,
    ex.ApiError: ex.IBMQError,
    ex.RequestsApiError: ex.ApiError,
    ex.ApiIBMQProtocolError: ex.ApiError,
    ex.AuthenticationLicenseError: ex.ApiError,
    ex.UserTimeoutExceededError: ex.ApiError,
    ex.WebsocketError: ex.ApiError,
    ex.WebsocketIBMQProtocolError: ex.WebsocketError,
    ex.WebsocketAuthenticationError: ex.WebsocketError,
    ex.WebsocketTimeoutError: ex.WebsocketError,
    ex.WebsocketRetryableError: ex.WebsocketError,
    ex.IBMQAccountError: ex.IBMQError,
    ex.IBMQAccountCredentialsNotFound: ex.IBMQAccountError,
    ex.IBMQAccountCredentialsInvalidFormat: ex.IBMQAccountError,
    ex.IBMQAccountCredentialsInvalidToken: ex.IBMQAccountError,
    ex.IBMQAccountCredentialsInvalidUrl: ex.IBMQAccountError,
    ex.IBMQAccountMultipleCredentialsFound: ex.IBMQAccountError,
    ex.IBMQProviderError: ex.IBMQAccountError,
    ex.IBMQAccountValueError: ex.IBMQError,
    ex.IBMQInputValueError: ex.IBMQError,
    ex.IBMQNotAuthorizedError: ex.IBMQError,
    ex.IBMQApiError: ex.IBMQError,
}


@pytest.mark.parametrize(("child", "parent"), TREE.items(), ids=lambda c: c.__name__)
def test_tree(child: type[Exception], parent: type[Exception]) -> None:
    assert issubclass(child, parent)


def test_qiskit_bases_and_value_errors() -> None:
    assert issubclass(ex.IBMQJobError, JobError)
    assert issubclass(ex.IBMQJobTimeoutError, JobTimeoutError)
    assert not issubclass(ex.IBMQJobApiError, JobTimeoutError)
    for value_error in (ex.IBMQBackendValueError, ex.IBMQAccountValueError, ex.IBMQInputValueError):
        assert issubclass(value_error, ValueError)
    # The job limit is deliberately not an API error (the original tree).
    assert not issubclass(ex.IBMQBackendJobLimitError, ex.IBMQBackendApiError)


def test_every_exception_is_documented_in_the_module_tree() -> None:
    for cls in TREE:
        assert cls.__name__ in ex.__doc__, cls.__name__


def test_requests_api_error_attributes_and_legacy_signature() -> None:
    err = ex.RequestsApiError("404 Client Error", 404, code=3250, server_message="Job not found")
    assert (err.status_code, err.code, err.server_message) == (404, 3250, "Job not found")
    assert err.message == "404 Client Error" and str(err) == "'404 Client Error'"
    assert ex.RequestsApiError("no response").status_code == -1


def test_tokens_are_redacted() -> None:
    token = "s3cr3t-t0ken-value"
    err = ex.RequestsApiError(
        f"401 for https://x/api?token={token}",
        401,
        server_message=f"bad token {token}",
        secrets=[token, None, ""],
    )
    assert token not in err.message and token not in str(err) and token not in repr(err)
    assert err.message == "401 for https://x/api?token=..."
    assert err.server_message == "bad token ..."


def test_redact_removes_the_longest_secret_first() -> None:
    assert ex.redact("abc abcdef", ["abc", "abcdef"]) == "... ..."
    assert ex.redact("nothing here", []) == "nothing here"


@pytest.mark.parametrize(
    ("error", "names"),
    [
        (
            ex.IBMQJobFailureError,
            ["IBMQJobFailureError", "IBMQJobError", "JobError", "IBMQError", "QiskitError"],
        ),
        (
            ex.IBMQJobTimeoutError,
            [
                "IBMQJobTimeoutError",
                "JobTimeoutError",
                "IBMQJobError",
                "JobError",
                "IBMQError",
                "QiskitError",
            ],
        ),
    ],
)
def test_job_errors_resolve_methods_in_the_original_clients_order(
    error: type[Exception], names: list[str]
) -> None:
    assert [cls.__name__ for cls in error.__mro__][: len(names)] == names
