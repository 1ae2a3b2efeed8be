"""Every scenario, in the order a run goes through them, with the spec parts it covers."""

from __future__ import annotations

from . import account, attributes, effects, lifecycle, listing, outcomes, queue, websocket
from .base import Scenario

__all__ = ["SCENARIOS", "scenario_named"]

_SUBMIT = ("createJob", "uploadQobj", "jobDataUploaded")
_RESULT = ("getJob", "getResultDownloadUrl", "downloadResult", "resultDownloaded")
_WS = ("asyncapi:authentication", "asyncapi:authenticated", "asyncapi:job-status")

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "login_and_discovery",
        "version, login, service URLs, the default project and its backends",
        (
            "getVersion",
            "loginWithToken",
            "getUserInfo",
            "getNetwork",
            "listDevices",
            "getDeviceQueueStatus",
            "getDeviceJobsLimit",
            "getDeviceDefaults",
        ),
        account.login_and_discovery,
        profile="core",
        sections=("3 login", "4 backends"),
    ),
    Scenario(
        "submit_and_wait_polling",
        "a Bell job submitted, waited for by polling, its counts downloaded",
        (*_SUBMIT, "getJobStatus", *_RESULT),
        lifecycle.submit_and_wait_polling,
        profile="core",
        sections=("J1-J3 submit", "J5 status", "J11-J13 result", "10 statuses"),
    ),
    Scenario(
        "circuit_outcomes",
        "deterministic, Bell and uniform circuits give the outcomes they determine;"
        " seeded runs agree",
        (*_SUBMIT, "getJobStatus", *_RESULT),
        outcomes.circuit_outcomes,
        profile="core",
        sections=("J11-J13 result", "11.3 result"),
    ),
    Scenario(
        "submit_and_wait_websocket",
        "a Bell job submitted, waited for on the status websocket, its counts downloaded",
        (*_SUBMIT, *_WS, *_RESULT),
        lifecycle.submit_and_wait_websocket,
        needs_websocket=True,
        profile="websocket",
        sections=("9 websocket", "J11-J13 result"),
    ),
    Scenario(
        "websocket_frames",
        "status frames match the AsyncAPI messages; close codes 4002, 4003 and 4001",
        (*_SUBMIT, *_WS, "asyncapi:close-4002", "asyncapi:close-4003", "asyncapi:close-4001"),
        websocket.websocket_frames,
        needs_websocket=True,
        profile="websocket",
        sections=("9 websocket",),
    ),
    Scenario(
        "result_download",
        "result and Qobj downloads through signed URLs bound to one object; refresh",
        (*_SUBMIT, *_RESULT, "getJobDownloadUrl", "downloadQobj"),
        lifecycle.result_download,
        profile="core",
        sections=("J11-J14 object storage",),
    ),
    Scenario(
        "validation_error",
        "a job the backend refuses ends ERROR_VALIDATING_JOB with `Error code: NNNN.`",
        (*_SUBMIT, "getJobStatus", "getJob"),
        lifecycle.validation_error,
        profile="core",
        sections=("J6 error", "11.5 error_message"),
    ),
    Scenario(
        "partial_results",
        "a failed job keeps the results of its successful experiments",
        (*_SUBMIT, "getJobStatus", *_RESULT),
        lifecycle.partial_results,
        profile="core",
        sections=("11.4 partial results",),
    ),
    Scenario(
        "queue_information",
        "infoQueue only while QUEUED, well formed; no queue information once final",
        (*_SUBMIT, "getJobStatus", "getJob"),
        queue.queue_information,
        profile="core",
        sections=("J5 infoQueue", "11.6-11.7 queue info"),
    ),
    Scenario(
        "cancel_while_queued",
        "a QUEUED job and a CREATING job cancel; a cancelled job has no result",
        (*_SUBMIT, "createJob", "cancelJob", "getJobStatus", "getJob"),
        queue.cancel_while_queued,
        profile="core",
        sections=("J4 cancel", "11.9 cancel"),
    ),
    Scenario(
        "job_limit",
        "at the concurrent job limit, createJob answers 400 with code 3458",
        ("getNetwork", "listDevices", "getDeviceJobsLimit", "createJob", "cancelJob"),
        queue.job_limit,
        profile="limits",
        sections=("4 jobsLimit", "J1 limit 3458"),
    ),
    Scenario(
        "name_and_tags",
        "names and tags set at submission, renamed, replaced, added, removed and echoed",
        (*_SUBMIT, "updateJob", "getJob"),
        attributes.name_and_tags,
        profile="core",
        sections=("J9 update", "11.10 names and tags"),
    ),
    Scenario(
        "retrieval",
        "a retrieved job equals the submitted one; unknown ids are 404 with code 3250",
        (*_SUBMIT, "getJob", "getJobStatus", *_RESULT),
        attributes.retrieval,
        profile="core",
        sections=("J6 job document", "6.4 retrieval"),
    ),
    Scenario(
        "properties",
        "backend calibrations (also at a date) and the calibration a job ran with",
        ("listDevices", "getDeviceProperties", *_SUBMIT, "getJobProperties"),
        attributes.properties,
        profile="devices",
        sections=("J10 properties", "4 properties"),
    ),
    Scenario(
        "listing_pages",
        "tagged jobs listed with filters, order, limit/skip and the legacy cursor paging",
        (*_SUBMIT, "listJobs", "listJobIds"),
        listing.listing_pages,
        profile="core",
        sections=("J7-J8 listing", "8 LoopBack filter", "8.3 paging"),
    ),
    Scenario(
        "operation_effects",
        "update, cancel, delete, where, order, limit and skip change what the others see",
        (
            *_SUBMIT,
            "createJob",
            "cancelJob",
            "updateJob",
            "deleteJob",
            "getJob",
            "getJobStatus",
            "listJobs",
            "listJobIds",
        ),
        effects.operation_effects,
        profile="core",
        sections=("J4 cancel", "J9 update", "J15 delete", "J7-J8 listing", "8.2 operators"),
    ),
    Scenario(
        "isolation",
        "bad tokens get 401; another user's jobs are 404 (3250) on every job operation",
        (
            "loginWithToken",
            "getUserInfo",
            "getNetwork",
            "listJobs",
            "createJob",
            "getJob",
            "getJobStatus",
            "updateJob",
            "cancelJob",
            "getResultDownloadUrl",
            "asyncapi:close-4003",
        ),
        account.isolation,
        needs_other_user=True,
        profile="isolation",
        sections=("2.4 401", "J6 404 3250"),
    ),
    Scenario(
        "bad_input",
        "malformed filters, bodies and signatures get a 4xx with the error envelope",
        ("listJobs", "listJobIds", "getDeviceProperties", "createJob", "updateJob", "uploadQobj"),
        account.bad_input,
        profile="core",
        sections=("2.4 error envelope", "8.2 filter operators"),
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
