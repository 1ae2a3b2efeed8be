"""Result rules of a job: fetching, caching, partial results and failure messages.

``IBMQJob`` delegates here once the job is final. The rules, as in the original client
except where noted:

* No result is ever fetched for ``ERROR_CREATING_JOB``, ``ERROR_VALIDATING_JOB`` or
  ``ERROR_TRANSPILING_JOB``: nothing ran.
* A fetched result is cached; ``refresh=True`` fetches it again.
* ``q-object-external-storage`` jobs download through the signed URL (then tell the server
  with ``resultDownloaded``; a failure there is only logged). Other jobs read
  ``qObjectResult`` from the job document (the original read a renamed key here and always
  failed). A job of unknown kind with no inline result is tried on object storage.
* A download error raises ``IBMQJobApiError`` unless the job failed or was cancelled, in
  which case there is simply no result.
* ``CANCELLED``: ``IBMQJobInvalidStateError``. ``ERROR``: ``IBMQJobFailureError`` unless
  ``partial=True`` and at least one experiment succeeded (the original also returned results
  in which every experiment had failed).
* Error messages, first hit wins: the failed experiments of the result
  (``The following experiments failed:\\nExperiment i: <status>``), the result's ``error``,
  the job's ``error`` (``<message>. Error code: <code>.``), the raw ``ERROR...`` status,
  ``Unknown error.``
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qiskit.providers import JobStatus
from qiskit.result import Result

from ._api import JobApi
from ._api.records import ErrorRecord
from ._decode import decode_result
from .exceptions import (
    ApiError,
    IBMQJobApiError,
    IBMQJobFailureError,
    IBMQJobInvalidStateError,
    UserTimeoutExceededError,
)
from .status import API_NO_RESULT_STATUSES

__all__ = [
    "OBJECT_STORAGE_KIND",
    "ResultContext",
    "ResultStore",
    "cancelled_message",
    "choose_error_message",
    "error_report",
    "failure_message",
    "format_job_error",
    "has_successful_experiment",
]

logger = logging.getLogger(__name__)

OBJECT_STORAGE_KIND = "q-object-external-storage"


@dataclass(frozen=True)
class ResultContext:
    """What the result rules need to know about the job.

    Attributes:
        job_id: The job.
        api_status: The raw API status string.
        status: The qiskit status.
        kind: The job kind, ``None`` if unknown.
        client_version: Added to the result document as ``client_version``.
        result_url: A signed URL of the result already known (from the final websocket
            frame), ``None`` to ask the server for one.
    """

    job_id: str
    api_status: str
    status: JobStatus
    kind: str | None
    client_version: Mapping[str, str]
    result_url: str | None = None


def error_report(results: Sequence[Mapping[str, Any]]) -> str:
    """Return the report of the failed experiments of a result document.

    Args:
        results: The ``results`` list of the result document.

    Returns:
        ``The following experiments failed:`` and one ``Experiment <i>: <status>`` line for
        each experiment whose ``success`` is false.
    """
    lines = [
        f"Experiment {index}: {experiment.get('status')}"
        for index, experiment in enumerate(results)
        if not experiment.get("success")
    ]
    return "The following experiments failed:\n" + "\n".join(lines)


def format_job_error(job_id: str, error: ErrorRecord) -> str:
    """Format a job (or result) ``error`` as ``<message>. Error code: <code>.``.

    Args:
        job_id: The job, for the exception message.
        error: The error object.

    Returns:
        The formatted message.

    Raises:
        IBMQJobApiError: If the message or the code is missing.
    """
    if error.message is None or error.code is None:
        raise IBMQJobApiError(
            f"Failed to get error message for job {job_id}. Invalid error data received: "
            f"{{'message': {error.message!r}, 'code': {error.code!r}}}"
        )
    return f"{error.message}. Error code: {error.code}."


def error_from_result(job_id: str, data: Mapping[str, Any]) -> str | None:
    """Extract the error message of a failed job from its result document.

    Args:
        job_id: The job.
        data: The result document.

    Returns:
        The report of failed experiments, else the formatted ``error``, else ``None``.
    """
    results = data.get("results")
    if isinstance(results, list) and results:
        return error_report([r for r in results if isinstance(r, Mapping)])
    if data.get("error") is not None:
        return format_job_error(job_id, ErrorRecord.from_wire(data["error"]))
    return None


def choose_error_message(
    job_id: str, from_result: str | None, job_error: ErrorRecord | None, api_status: str
) -> str:
    """Pick the error message of a failed job (first hit wins, see the module docstring).

    Args:
        job_id: The job.
        from_result: The message extracted from the result, if any.
        job_error: The ``error`` of the job document, if any.
        api_status: The raw API status.

    Returns:
        The message.

    Raises:
        IBMQJobApiError: If the job's ``error`` lacks its message or code.
    """
    if from_result:
        return from_result
    if job_error is not None:
        return format_job_error(job_id, job_error)
    if api_status.upper().startswith("ERROR"):
        return api_status
    return "Unknown error."


def failure_message(job_id: str, error_message: str) -> str:
    """Return the message of ``IBMQJobFailureError`` raised by ``result()``.

    Args:
        job_id: The job.
        error_message: What ``error_message()`` returned.

    Returns:
        The message; a multi-line error is referred to ``error_message()``.
    """
    if "\n" in error_message:
        suffix = ". Use the error_message() method to get more details"
    else:
        suffix = ": " + error_message
    return f"Unable to retrieve result for job {job_id}. Job has failed{suffix}"


def cancelled_message(job_id: str) -> str:
    """Return the message of ``IBMQJobInvalidStateError`` for a cancelled job's result."""
    return f"Unable to retrieve result for job {job_id}. Job was cancelled."


def has_successful_experiment(result: Result | None) -> bool:
    """Return whether ``result`` holds at least one successful experiment."""
    return result is not None and any(getattr(r, "success", False) for r in result.results)


class ResultStore:
    """The cached result of one job and the error message found in it."""

    def __init__(self, result: Result | None = None, raw: Mapping[str, Any] | None = None) -> None:
        """Create the store.

        Args:
            result: A result already known (e.g. from the job document).
            raw: Its JSON document, kept for ``to_dict()``.
        """
        self.result = result
        self.raw: Mapping[str, Any] | None = raw
        self.error_message: str | None = None

    def set_raw(self, ctx: ResultContext, data: Mapping[str, Any] | None) -> None:
        """Decode and cache a result document (``None`` clears the cache).

        Args:
            ctx: The job.
            data: The result document.

        Raises:
            IBMQJobInvalidStateError: If the document is not a result and the kind is unknown.
            IBMQJobApiError: If the document is not a result.
        """
        if data is None:
            self.result, self.raw = None, None
            return
        if ctx.status is JobStatus.ERROR:
            self.error_message = error_from_result(ctx.job_id, data) or self.error_message
        try:
            result = decode_result(data, client_version=dict(ctx.client_version))
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
            if ctx.status in (JobStatus.ERROR, JobStatus.CANCELLED):
                # A failed job may leave a bare error document instead of a result.
                logger.debug("Result document of job %s is not a result: %r", ctx.job_id, err)
                self.result, self.raw = None, None
                return
            if ctx.kind is None:
                raise IBMQJobInvalidStateError(
                    f"Unable to retrieve result for job {ctx.job_id}. "
                    "Job result is in an unsupported format."
                ) from err
            raise IBMQJobApiError(
                f"Unable to retrieve result for job {ctx.job_id}: invalid result: {_reason(err)}"
            ) from err
        self.result, self.raw = result, data

    def retrieve(
        self, ctx: ResultContext, api: Callable[[], JobApi], refresh: bool = False
    ) -> None:
        """Fetch the result unless it is cached or cannot exist.

        Args:
            ctx: The job.
            api: Returns the API to fetch it from (called only when a fetch is needed).
            refresh: Fetch again even if a result is cached.

        Raises:
            IBMQJobApiError: If fetching failed and the job did not fail or get cancelled.
            IBMQJobInvalidStateError: If the result is in an unsupported format.
        """
        if ctx.api_status.upper() in API_NO_RESULT_STATUSES:
            return
        if self.result is not None and not refresh:
            return
        try:
            data = _download(ctx, api())
        except UserTimeoutExceededError:
            raise  # the caller's deadline: a timeout, not a missing result
        except ApiError as err:
            if ctx.status in (JobStatus.ERROR, JobStatus.CANCELLED):
                logger.debug("No result for job %s (%s): %s", ctx.job_id, ctx.status, err.message)
                return
            raise IBMQJobApiError(
                f"Unable to retrieve result for job {ctx.job_id}: {err.message}"
            ) from err
        if data is not None:
            self.set_raw(ctx, data)

    def final_result(
        self,
        ctx: ResultContext,
        api: Callable[[], JobApi],
        *,
        partial: bool,
        refresh: bool,
        error_message: Callable[[], str],
    ) -> Result:
        """Return the result of a job in a final state, applying the rules above.

        Args:
            ctx: The job, in a final state.
            api: Returns the API to fetch the result from (called only when needed).
            partial: Return the results of a failed job if some experiments succeeded.
            refresh: Fetch the result again even if cached.
            error_message: Computes the job's error message (for failed jobs).

        Returns:
            The result.

        Raises:
            IBMQJobInvalidStateError: If the job was cancelled.
            IBMQJobFailureError: If the job failed (and no partial result is usable).
            IBMQJobApiError: If the result could not be fetched.
        """
        if ctx.status is JobStatus.CANCELLED:
            raise IBMQJobInvalidStateError(cancelled_message(ctx.job_id))
        if ctx.status is JobStatus.ERROR:
            if partial:
                self.retrieve(ctx, api, refresh=refresh)
            if not partial or not has_successful_experiment(self.result):
                raise IBMQJobFailureError(failure_message(ctx.job_id, error_message()))
        else:
            self.retrieve(ctx, api, refresh=refresh)
        if self.result is None:
            raise IBMQJobApiError(
                f"Unable to retrieve result for job {ctx.job_id}: the server returned no result."
            )
        return self.result


def _reason(err: BaseException) -> str:
    if isinstance(err, RecursionError):
        return "the document is nested too deeply"
    return str(err) if isinstance(err, ValueError) else repr(err)


def _download(ctx: ResultContext, api: JobApi) -> Mapping[str, Any] | None:
    if ctx.kind != OBJECT_STORAGE_KIND:
        inline = api.job_get(ctx.job_id).result
        if inline is not None or ctx.kind is not None:
            return inline
    data = (
        api.job_result(ctx.job_id, ctx.result_url) if ctx.result_url else api.job_result(ctx.job_id)
    )
    try:
        api.job_result_downloaded(ctx.job_id)
    except ApiError as err:
        logger.warning(
            "Unable to tell the server that the result of job %s was downloaded: %s",
            ctx.job_id,
            err.message,
        )
    return data
