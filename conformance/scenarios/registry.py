"""Every scenario, in the order a run goes through them, with the spec parts it covers."""

from __future__ import annotations

from . import lifecycle
from .base import Scenario

__all__ = ["SCENARIOS", "scenario_named"]

_SUBMIT = ("createJob", "uploadQobj", "jobDataUploaded")
_RESULT = ("getJob", "getResultDownloadUrl", "downloadResult", "resultDownloaded")
_WS = ("asyncapi:authentication", "asyncapi:authenticated", "asyncapi:job-status")

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "submit_and_wait_polling",
        "a Bell job submitted, waited for by polling, its counts downloaded",
        (*_SUBMIT, "getJobStatus", *_RESULT),
        lifecycle.submit_and_wait_polling,
    ),
    Scenario(
        "submit_and_wait_websocket",
        "a Bell job submitted, waited for on the status websocket, its counts downloaded",
        (*_SUBMIT, *_WS, *_RESULT),
        lifecycle.submit_and_wait_websocket,
        needs_websocket=True,
    ),
    Scenario(
        "result_download",
        "result and Qobj downloads through signed URLs bound to one object; refresh",
        (*_SUBMIT, *_RESULT, "getJobDownloadUrl", "downloadQobj"),
        lifecycle.result_download,
    ),
    Scenario(
        "validation_error",
        "a job the backend refuses ends ERROR_VALIDATING_JOB with `Error code: NNNN.`",
        (*_SUBMIT, "getJobStatus", "getJob"),
        lifecycle.validation_error,
    ),
    Scenario(
        "partial_results",
        "a failed job keeps the results of its successful experiments",
        (*_SUBMIT, "getJobStatus", *_RESULT),
        lifecycle.partial_results,
    ),
)

_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def scenario_named(name: str) -> Scenario:
    """Return the scenario called ``name``.

    Raises:
        KeyError: no such scenario (the message lists the known ones).
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(_BY_NAME)}") from None
