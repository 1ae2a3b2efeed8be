"""The job manager keeps the public names and parameters of the original client's
``qiskit.providers.ibmq.managed`` (qiskit-ibmq-provider 0.20.2).

The table below is the original's public surface; the Qobj accessors (``ManagedJobSet.qobjs``,
``ManagedJob.qobj``) are left out on purpose: Qobjs are gone from qiskit 2.x.
"""

from __future__ import annotations

import inspect

import pytest

import ibmqjob.managed as managed
from ibmqjob.exceptions import IBMQError

ORIGINAL: dict[str, dict[str, list[str]]] = {
    "IBMQJobManager": {
        "__init__": [],
        "run": [
            "experiments",
            "backend",
            "name",
            "max_experiments_per_job",
            "job_share_level",
            "job_tags",
            "run_config",
        ],
        "report": ["detailed"],
        "job_sets": ["name"],
        "retrieve_job_set": ["job_set_id", "provider", "refresh"],
    },
    "ManagedJobSet": {
        "__init__": ["name", "short_id"],
        "run": ["experiment_list", "backend", "executor", "job_share_level", "job_tags"],
        "retrieve_jobs": ["provider", "refresh"],
        "statuses": [],
        "report": ["detailed"],
        "results": ["timeout", "partial", "refresh"],
        "error_messages": [],
        "cancel": [],
        "jobs": [],
        "job": ["experiment"],
        "name": [],
        "update_name": ["name"],
        "job_set_id": [],
        "managed_jobs": [],
        "tags": [],
        "update_tags": ["replacement_tags", "additional_tags", "removal_tags"],
    },
    "ManagedJob": {
        "__init__": ["start_index", "experiments_count", "job"],
        "status": [],
        "result": ["timeout", "partial", "refresh"],
        "error_message": [],
        "cancel": [],
    },
    "ManagedResults": {
        "__init__": ["job_set", "backend_name", "success"],
        "data": ["experiment"],
        "get_memory": ["experiment"],
        "get_counts": ["experiment"],
        "get_statevector": ["experiment", "decimals"],
        "get_unitary": ["experiment", "decimals"],
        "combine_results": [],
    },
}

EXCEPTIONS = [
    "IBMQJobManagerError",
    "IBMQJobManagerInvalidStateError",
    "IBMQJobManagerTimeoutError",
    "IBMQJobManagerJobNotFound",
    "IBMQManagedResultDataNotAvailable",
    "IBMQJobManagerUnknownJobSet",
]


@pytest.mark.parametrize(
    ("class_name", "method", "parameters"),
    [(c, m, p) for c, methods in ORIGINAL.items() for m, p in methods.items()],
)
def test_methods_keep_the_original_parameters(
    class_name: str, method: str, parameters: list[str]
) -> None:
    function = getattr(getattr(managed, class_name), method)
    names = [n for n in inspect.signature(function).parameters if n != "self"]
    assert names[: len(parameters)] == parameters
    # Anything added after the original's parameters has a default: old calls still work.
    for name in names[len(parameters) :]:
        parameter = inspect.signature(function).parameters[name]
        assert parameter.kind is inspect.Parameter.VAR_KEYWORD or (
            parameter.default is not inspect.Parameter.empty
        ), name


def test_exceptions_keep_their_names_and_tree() -> None:
    for name in EXCEPTIONS:
        error = getattr(managed, name)
        assert issubclass(error, managed.IBMQJobManagerError)
        assert issubclass(error, IBMQError)
        assert error.__module__ == "ibmqjob.managed.exceptions"


def test_the_package_exports_exactly_the_original_names() -> None:
    assert set(managed.__all__) == set(ORIGINAL) | set(EXCEPTIONS)
    assert managed.IBMQJobManager.__module__ == "ibmqjob.managed.ibmqjobmanager"
    assert managed.ManagedJobSet.__module__ == "ibmqjob.managed.managedjobset"
