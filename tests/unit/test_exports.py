"""The public surface of ``ibmqjob`` is exactly its curated ``__all__``."""

from __future__ import annotations

from qiskit.providers import JobStatus

import ibmqjob
from ibmqjob import exceptions

EXPECTED = {
    "IBMQ",
    "IBMQFactory",
    "AccountProvider",
    "IBMQBackendService",
    "IBMQBackend",
    "IBMQRetiredBackend",
    "BackendJobLimit",
    "BackendReservation",
    "IBMQSimulator",
    "least_busy",
    "IBMQAccountCredentialsInvalidFormat",
    "IBMQAccountMultipleCredentialsFound",
    "IBMQAccountValueError",
    "IBMQApiError",
    "IBMQNotAuthorizedError",
    "IBMQAccountCredentialsInvalidToken",
    "IBMQAccountCredentialsInvalidUrl",
    "IBMQAccountCredentialsNotFound",
    "IBMQProviderError",
    "AuthenticationLicenseError",
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
    "JOB_FINAL_STATES",
    "JobStatus",
    "QueueInfo",
    "RequestsApiError",
}


def test_all_is_curated() -> None:
    assert set(ibmqjob.__all__) == EXPECTED
    assert len(ibmqjob.__all__) == len(set(ibmqjob.__all__))


def test_every_name_in_all_exists() -> None:
    for name in ibmqjob.__all__:
        assert getattr(ibmqjob, name) is not None, name


def test_public_objects_live_in_public_modules() -> None:
    for name in ibmqjob.__all__:
        module = getattr(getattr(ibmqjob, name), "__module__", "")
        assert not any(part.startswith("_") for part in module.split(".")), (name, module)


def test_reexports_are_the_real_objects() -> None:
    assert ibmqjob.JobStatus is JobStatus
    assert ibmqjob.IBMQJobApiError is exceptions.IBMQJobApiError
    assert ibmqjob.IBMQJob.__module__ == "ibmqjob.job"


def test_exceptions_module_all_lists_every_exception() -> None:
    declared = {
        name
        for name, value in vars(exceptions).items()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__ == exceptions.__name__
    }
    assert declared <= set(exceptions.__all__)


def test_settings_is_a_public_module_of_frozen_policies() -> None:
    import dataclasses

    from ibmqjob import settings

    policies = {"HttpSettings", "RetryPolicy", "TimeSource", "WebsocketPolicy"}
    # The seam of recorded sessions: what settings built with their defaults use.
    seam = {
        "WebsocketConnect",
        "WebsocketConnection",
        "default_time_source",
        "default_websocket_connect",
        "session_defaults",
    }
    assert set(settings.__all__) == policies | seam
    for name in policies:
        cls = getattr(settings, name)
        assert dataclasses.is_dataclass(cls), name
        # typeshed's DataclassInstance omits __dataclass_params__, which every dataclass has.
        assert cls.__dataclass_params__.frozen, name  # type: ignore[union-attr]
    assert settings.HttpSettings().time == settings.TimeSource()
