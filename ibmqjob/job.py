"""``IBMQJob``: a job on a server that speaks the IBM Quantum job API.

The class delegates: talking to the server to a :class:`~ibmqjob._records.JobApi`, waiting
to :mod:`ibmqjob._wait` (websocket, then polling), result rules to :mod:`ibmqjob._results`,
status mapping to :mod:`ibmqjob.status`; its cached state, construction and serialisation
live in :mod:`ibmqjob._jobstate`. It contains no HTTP. Every ``ApiError`` is translated into
``IBMQJobApiError``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from qiskit.assembler import disassemble
from qiskit.providers import JobStatus
from qiskit.providers.models import BackendProperties
from qiskit.qobj import PulseQobj, QasmQobj
from qiskit.result import Result

from . import _jobdata as jobdata
from ._api.websocket import StatusWebsocket
from ._decode import decode_properties
from ._jobstate import JobState, api_to_job_error
from ._results import OBJECT_STORAGE_KIND, choose_error_message
from ._time import utc_to_local
from ._wait import CallbackDispatcher, wait_for_final_status
from .exceptions import (
    ApiError,
    IBMQJobApiError,
    IBMQJobInvalidStateError,
    IBMQJobTimeoutError,
    UserTimeoutExceededError,
)
from .queueinfo import QueueInfo
from .status import is_final

__all__ = ["IBMQJob"]

logger = logging.getLogger(__name__)

JobCallback = Callable[..., None]


class IBMQJob(JobState):
    """Representation of a job that executes on an IBM Quantum backend.

    ``backend.run()`` returns one. :meth:`status` queries the server (unless the job is
    final), :meth:`result` blocks until the job is final and returns a qiskit ``Result``.
    Server and network failures raise :class:`~ibmqjob.exceptions.IBMQJobApiError`.

    Job attributes the class does not model are kept and readable with a trailing
    underscore, e.g. ``job.summary_data_``.

    A job rebuilt with :meth:`from_dict` talks to the server once given a backend and an API
    (``IBMQJob.from_dict(data, backend=backend, api=api)``, or ``job._attach(backend, api)``).
    """

    # ------------------------------------------------------------------ server state

    def status(self) -> JobStatus:
        """Query the server for the latest job status (no request once the job is final).

        Returns:
            The status of the job.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if is_final(self._status):
            return self._status
        api = self._require_api()
        with api_to_job_error():
            record = api.job_status(self.job_id())
        self._apply_status(record)
        if is_final(self._status):
            self.refresh()
        return self._status

    def cancel(self) -> bool:
        """Attempt to cancel the job (the server decides whether it can be cancelled).

        Returns:
            ``True`` if the job is cancelled, else ``False``.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        api = self._require_api()
        try:
            self._cancelled = api.job_cancel(self.job_id())
        except ApiError as err:
            self._cancelled = False
            raise IBMQJobApiError(
                f"Unexpected error when cancelling job {self.job_id()}: {err.message}"
            ) from err
        logger.debug("Job %s cancel status is %s.", self.job_id(), self._cancelled)
        return self._cancelled

    def queue_position(self, refresh: bool = False) -> int | None:
        """Return the position of the job in the server queue (within the provider).

        Args:
            refresh: If ``True``, query the server for the latest value first.

        Returns:
            Position in the queue, or ``None`` if unknown or not applicable.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if refresh:
            self.status()
        return None if self._queue_info is None else self._queue_info.position

    def queue_info(self) -> QueueInfo | None:
        """Return queue information for this job (queries the server unless final).

        Returns:
            The queue information, or ``None`` if it is unknown, not applicable or holds
            no position or priority.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        self.status()
        info = self._queue_info
        if info is None:
            return None
        useful = (info.position, info.hub_priority, info.group_priority, info.project_priority)
        return info if any(value is not None for value in useful) else None

    def time_per_step(self) -> dict[str, dt.datetime] | None:
        """Return the date and time of each step of the job processing, in local time.

        Returns:
            Step name to local datetime, or ``None`` if not available yet.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if not self._time_per_step or not is_final(self._status):
            self.refresh()
        if not self._time_per_step:
            return None
        return {step: utc_to_local(when) for step, when in self._time_per_step.items()}

    def scheduling_mode(self) -> str | None:
        """Return the scheduling mode of the job (``fairshare``, ``dedicated``), if known.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if self._run_mode is None:
            self.refresh()
            if self._run_mode is None and self._status in (JobStatus.RUNNING, JobStatus.DONE):
                self._run_mode = "fairshare"
        return self._run_mode

    def properties(self) -> BackendProperties | None:
        """Return the backend properties for this job, with dates in local time.

        Returns:
            The properties in force when the job ran, or ``None`` if not available.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        api = self._require_api()
        with api_to_job_error():
            properties = api.job_properties(self.job_id())
        if not properties:
            return None
        try:
            return decode_properties(properties)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise IBMQJobApiError(
                f"Invalid backend properties received for job {self.job_id()}: {err!r}"
            ) from err

    def qobj(self) -> QasmQobj | PulseQobj | None:
        """Return the Qobj for this job, downloading it on first use.

        Returns:
            The Qobj, or ``None`` if the job has none (e.g. an unknown kind).

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if self._qobj is not None or self._kind is None:
            return self._qobj
        api = self._require_api()
        with api_to_job_error():
            if self._kind == OBJECT_STORAGE_KIND:
                document: Mapping[str, Any] | None = api.job_qobj(self.job_id())
            else:
                document = api.job_get(self.job_id()).qobj
        if document is None:
            return None
        self._qobj = self._decode_qobj(document)
        return self._qobj

    def circuits(self) -> list[Any]:
        """Return the circuits (or pulse schedules) of this job, rebuilt from its Qobj.

        Returns:
            The circuits or schedules; an empty list if the job has no Qobj.

        Raises:
            IBMQJobApiError: If the Qobj could not be downloaded.
        """
        return list(self._disassembled()[0])

    def backend_options(self) -> dict[str, Any]:
        """Return the run options of this job (those kept in its Qobj configuration).

        Returns:
            The options; an empty dict if the job has no Qobj.

        Raises:
            IBMQJobApiError: If the Qobj could not be downloaded.
        """
        return dict(self._disassembled()[1])

    def header(self) -> dict[str, Any]:
        """Return the user header of this job's Qobj.

        Returns:
            The header; an empty dict if the job has no Qobj.

        Raises:
            IBMQJobApiError: If the Qobj could not be downloaded.
        """
        return dict(self._disassembled()[2])

    def _disassembled(self) -> tuple[Any, Any, Any]:
        qobj = self.qobj()
        return ([], {}, {}) if qobj is None else tuple(disassemble(qobj))

    # ------------------------------------------------------------------ name and tags

    def update_name(self, name: str) -> str:
        """Update the name associated with this job.

        Args:
            name: The new name (may be empty).

        Returns:
            The new name, as echoed by the server.

        Raises:
            IBMQJobInvalidStateError: If ``name`` is not a string.
            IBMQJobApiError: If the server failed or did not echo the new name.
        """
        if not isinstance(name, str):
            raise IBMQJobInvalidStateError(
                f'"{name}" of type "{type(name)}" is not a valid job name. '
                "The job name needs to be a string."
            )
        api = self._require_api()
        with api_to_job_error():
            echoed = api.job_update_name(self.job_id(), name)
        if echoed is None or echoed != name:
            raise IBMQJobApiError(
                f"An unexpected error occurred when updating the name for job {self.job_id()}. "
                "The name was not updated for the job."
            )
        self._name = echoed
        return echoed

    def update_tags(
        self,
        replacement_tags: list[str] | None = None,
        additional_tags: list[str] | None = None,
        removal_tags: list[str] | None = None,
    ) -> list[str]:
        """Update the tags associated with this job: replace, then add, then remove.

        Tags starting with ``ibmq_jobset_`` belong to job sets: they survive a replacement
        and are never removed. ``replacement_tags=[]`` clears the other tags.

        Args:
            replacement_tags: Tags replacing the current ones.
            additional_tags: Tags to add.
            removal_tags: Tags to remove (absent ones are ignored with a warning).

        Returns:
            The new tags, as echoed by the server.

        Raises:
            IBMQJobInvalidStateError: If no argument is given or one is not a list of strings.
            IBMQJobApiError: If the server failed or did not echo the new tags.
        """
        new_tags = jobdata.tags_to_update(
            self.job_id(), self._tags, replacement_tags, additional_tags, removal_tags
        )
        api = self._require_api()
        with api_to_job_error():
            echoed = api.job_update_tags(self.job_id(), new_tags)
        if echoed is None or set(echoed) != set(new_tags):
            raise IBMQJobApiError(
                f"An unexpected error occurred when updating the tags for job {self.job_id()}. "
                "The tags were not updated for the job."
            )
        self._tags = list(echoed)
        return self.tags()

    # ------------------------------------------------------------------ waiting and results

    def wait_for_final_state(
        self,
        timeout: float | None = None,
        wait: float | None = None,
        callback: JobCallback | None = None,
    ) -> None:
        """Wait until the job progresses to a final state such as ``DONE`` or ``ERROR``.

        Args:
            timeout: Seconds to wait for the job. If ``None``, wait indefinitely.
            wait: Seconds between callback calls. If ``None``, the callback is called only
                when the status or the queue information changes.
            callback: Called as ``callback(job_id, job_status, job, queue_info=...)`` with
                the latest status (never a final one); ``queue_info`` is a
                :class:`QueueInfo` or ``None``.

        Raises:
            IBMQJobTimeoutError: If the job does not reach a final state before the timeout.
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        dispatcher = None
        if callback is not None:

            def notify(status: JobStatus, queue_info: QueueInfo | None) -> None:
                callback(self.job_id(), status, self, queue_info=queue_info)

            dispatcher = CallbackDispatcher(notify, wait, self._clock)
        self._wait_for_final(timeout, self._poll_interval, dispatcher)

    def result(
        self,
        timeout: float | None = None,
        wait: float = 5,
        partial: bool = False,
        refresh: bool = False,
    ) -> Result:
        """Return the result of the job, blocking until the job is final.

        The result is cached: later calls return it without a request unless ``refresh``.
        With ``partial=True`` a failed job whose result holds at least one successful
        experiment returns that result (check ``result.success`` before reading counts).

        Args:
            timeout: Seconds to wait for the job. If ``None``, wait indefinitely.
            wait: Seconds between status queries when polling.
            partial: If ``True``, return partial results of a failed job if possible.
            refresh: If ``True``, fetch the result from the server again.

        Returns:
            The job result.

        Raises:
            IBMQJobTimeoutError: If the job does not finish before the timeout.
            IBMQJobInvalidStateError: If the job was cancelled.
            IBMQJobFailureError: If the job failed.
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        self._wait_for_final(timeout, wait)
        return self._results.final_result(
            self._result_context(),
            self._require_api,
            partial=partial,
            refresh=refresh,
            error_message=lambda: self.error_message() or "Unknown error.",
        )

    def error_message(self) -> str | None:
        """Provide details about the reason of failure (blocks until the job is final).

        Returns:
            An error report if the job failed, else ``None``.

        Raises:
            IBMQJobApiError: If an unexpected error occurred when communicating with the server.
        """
        if self._wait_for_final(None, self._poll_interval) is not JobStatus.ERROR:
            return None
        if not self._job_error_msg:
            if self._api is not None:
                self._results.retrieve(self._result_context(), self._require_api)
            from_result = self._results.error_message
            if not from_result and self._error is None and self._api is not None:
                self.refresh()
            self._job_error_msg = choose_error_message(
                self.job_id(), from_result, self._error, self._api_status
            )
        return self._job_error_msg

    # ------------------------------------------------------------------ internals

    def _wait_for_final(
        self, timeout: float | None, wait: float, dispatcher: CallbackDispatcher | None = None
    ) -> JobStatus:
        """Block until the job is final, then refresh it; return the final status."""
        if is_final(self._status):
            return self._status
        api = self._require_api()
        target = api.job_websocket(self.job_id())
        stream = None
        if target is not None:
            stream = StatusWebsocket(
                target, self.job_id(), target.policy, sleep=self._sleep, clock=self._clock
            )
        try:
            wait_for_final_status(
                fetch_status=lambda: api.job_status(self.job_id()),
                observe=self._apply_status,
                stream=stream,
                timeout=timeout,
                poll_interval=wait,
                dispatcher=dispatcher,
                sleep=self._sleep,
                clock=self._clock,
            )
        except UserTimeoutExceededError:
            raise IBMQJobTimeoutError(f"Timeout while waiting for job {self.job_id()}.") from None
        except ApiError as err:
            raise IBMQJobApiError(
                f"Error checking job status due to a network error: {err.message}"
            ) from err
        self.refresh()
        return self._status
