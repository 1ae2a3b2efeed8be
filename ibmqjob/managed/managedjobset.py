"""``ManagedJobSet``: the jobs of many experiments, handled as one."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import Any

from qiskit.providers import JobStatus
from qiskit.result import Result

from ..exceptions import IBMQJobApiError, IBMQJobTimeoutError
from ..job import IBMQJob
from ._names import job_name, new_job_set_id, parse_job_name, tag_of
from ._report import format_job_details, format_status_counts
from .exceptions import (
    IBMQJobManagerInvalidStateError,
    IBMQJobManagerJobNotFound,
    IBMQJobManagerTimeoutError,
    IBMQJobManagerUnknownJobSet,
)
from .managedjob import ManagedJob, Turns
from .managedresults import ManagedResults

__all__ = ["ManagedJobSet"]

logger = logging.getLogger(__name__)

RESULT_WORKERS = 8
"""Most jobs whose results are awaited and downloaded at the same time."""

ProgressCallback = Callable[[int, int], None]
"""Called as ``callback(jobs_done, jobs_total)`` each time a job's result is in."""


class ManagedJobSet:
    """A set of jobs submitted together by :meth:`IBMQJobManager.run`, or retrieved by ID.

    Its methods act on all the jobs at once: :meth:`results` combines their results,
    :meth:`statuses`, :meth:`report` and :meth:`error_messages` sum up how they went,
    :meth:`cancel` cancels them. Methods that need every job submitted wait for the
    submissions in progress.
    """

    def __init__(self, name: str | None = None, short_id: str | None = None) -> None:
        """Create an empty job set.

        Args:
            name: Name of the set; by default the current UTC date and time.
            short_id: ID of the set (to retrieve an existing one); by default a new one.
        """
        self._managed_jobs: list[ManagedJob] = []
        self._name = name or dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
        self._backend: Any = None
        self._id = short_id or new_job_set_id()
        self._id_long = tag_of(self._id)
        self._tags: list[str] = []
        self._stop = threading.Event()
        self._ranges_known = True
        self._managed_results: ManagedResults | None = None
        self._turns = Turns()
        self._submissions_ended = False

    def __repr__(self) -> str:
        return f"<ManagedJobSet {self._name!r} id={self._id} jobs={len(self._managed_jobs)}>"

    # ------------------------------------------------------------------ creating

    def run(
        self,
        experiment_list: Sequence[Sequence[Any]],
        backend: Any,
        executor: Executor,
        job_share_level: str | None = None,
        job_tags: list[str] | None = None,
        **run_config: Any,
    ) -> None:
        """Submit one job per list of experiments (in the background).

        Args:
            experiment_list: The experiments of each job, in order.
            backend: The backend to run them on.
            executor: Where the submissions run.
            job_share_level: Ignored (the server no longer supports sharing).
            job_tags: Tags of every job (the set's tag is added).
            run_config: Run options passed to ``backend.run``.

        Raises:
            IBMQJobManagerInvalidStateError: If the set's jobs were already submitted.
        """
        del job_share_level  # IBMQJobManager.run warns about it
        if self._managed_jobs:
            raise IBMQJobManagerInvalidStateError(
                "The jobs for this managed job set have already been submitted."
            )
        self._backend = backend
        self._tags = list(job_tags or [])
        self._submissions_ended = False
        start = 0
        for experiments in experiment_list:
            names = [getattr(experiment, "name", None) for experiment in experiments]
            managed = ManagedJob(start, len(experiments), experiment_names=names)
            self._managed_jobs.append(managed)
            start += len(experiments)
        for index, (managed, experiments) in enumerate(
            zip(self._managed_jobs, experiment_list, strict=True)
        ):
            logger.debug("Submitting job %s of job set %s", index, self._id)
            managed.submit(
                experiments,
                job_name(self._name, index),
                backend,
                executor,
                job_tags=[*self._tags, self._id_long],
                stop=self._stop,
                turns=self._turns,
                turn=index,
                **run_config,
            )

    def retrieve_jobs(self, provider: Any, refresh: bool = False) -> None:
        """Find the set's jobs on the server by its tag.

        Args:
            provider: The provider (hub/group/project) the set was submitted with.
            refresh: Ask the server again even if the jobs are known.

        Raises:
            IBMQJobManagerUnknownJobSet: If no job carries the set's tag.
            IBMQJobManagerInvalidStateError: If the tagged jobs do not form one whole set.
        """
        if self._managed_jobs and not refresh:
            return
        jobs: list[IBMQJob] = provider.jobs(limit=None, job_tags=[self._id_long])
        if not jobs:
            raise IBMQJobManagerUnknownJobSet(
                f"{self._id} is not a known job set within the provider {provider}."
            )
        first_name = self._parse(jobs[0])[0]
        backend_name = jobs[0].backend().name()
        by_index: dict[int, IBMQJob] = {}
        for job in jobs:
            set_name, index = self._parse(job)
            if set_name != first_name or job.backend().name() != backend_name:
                raise IBMQJobManagerInvalidStateError(
                    f"Job {job.job_id()} is tagged for the job set {self._id} but does not "
                    "appear to belong to the set."
                )
            by_index[index] = job
        indices = sorted(by_index)
        if indices != list(range(len(indices))):
            raise IBMQJobManagerInvalidStateError(
                f"Unable to retrieve all jobs for job set {self._id}."
            )
        self._name = first_name
        self._backend = jobs[0].backend()
        self._tags = [tag for tag in jobs[0].tags() if tag != self._id_long]
        # The experiment counts are learnt later, from the results (or the Qobjs if need be).
        self._managed_jobs = [ManagedJob(0, 0, job=by_index[index]) for index in indices]
        self._ranges_known = False
        self._managed_results = None

    def _parse(self, job: IBMQJob) -> tuple[str, int]:
        parsed = parse_job_name(job.name())
        if parsed is None:
            raise IBMQJobManagerInvalidStateError(
                f"Job {job.job_id()} is tagged for the job set {self._id} but does not have a "
                "proper job name."
            )
        return parsed

    # ------------------------------------------------------------------ about the jobs

    def statuses(self) -> list[JobStatus | None]:
        """The status of each job; ``None`` where it could not be known."""
        return [managed.status() for managed in self._managed_jobs]

    def report(self, detailed: bool = True) -> str:
        """A report on the jobs' statuses.

        Args:
            detailed: Add one block per job to the summary.
        """
        statuses = self.statuses()
        report = [
            f"Job set name: {self.name()}",
            f"          ID: {self.job_set_id()}",
            f"        tags: {self.tags()}",
            "Summary report:",
        ]
        report.extend(format_status_counts(statuses))
        if detailed:
            self._ensure_ranges()
            report.append("\nDetail report:")
            report.extend(format_job_details(statuses, self._managed_jobs))
        return "\n".join(report)

    def results(
        self,
        timeout: float | None = None,
        partial: bool = False,
        refresh: bool = False,
        callback: ProgressCallback | None = None,
    ) -> ManagedResults:
        """The results of every job, combined; blocks until all jobs are final.

        The jobs' results are awaited and downloaded concurrently, each as soon as its job
        is submitted. A job that failed (or whose submission failed) gives no result and a
        warning; ``success`` of the answer then says so.

        Args:
            timeout: Seconds to wait for all the results; ``None`` waits forever.
            partial: Keep the partial results of failed jobs.
            refresh: Download the results again rather than use the cached ones.
            callback: Called as ``callback(jobs_done, jobs_total)`` after each job's result.

        Returns:
            The combined results.

        Raises:
            IBMQJobManagerTimeoutError: If the results are not all in before the timeout.
        """
        if self._managed_results is not None and not refresh:
            return self._managed_results
        deadline = None if timeout is None else time.monotonic() + timeout
        total = len(self._managed_jobs)
        done = 0
        lock = threading.Lock()

        def collect(managed: ManagedJob) -> Result | None:
            nonlocal done
            managed.wait_for_submission(_remaining(deadline))
            result = managed.result(timeout=_remaining(deadline), partial=partial, refresh=refresh)
            with lock:
                done += 1
                if callback is not None:
                    callback(done, total)
            return result

        pool = ThreadPoolExecutor(max(1, min(RESULT_WORKERS, total)), "ibmqjob-results")
        try:
            futures = [pool.submit(collect, managed) for managed in self._managed_jobs]
            results = []
            for managed, future in zip(self._managed_jobs, futures, strict=True):
                try:
                    results.append(future.result(_remaining(deadline)))
                except (IBMQJobTimeoutError, FutureTimeoutError) as err:
                    self._stop_waiting(futures)
                    raise IBMQJobManagerTimeoutError(
                        "Timeout while waiting for the results for experiments "
                        f"{managed.start_index}-{self._managed_jobs[-1].end_index}."
                    ) from err
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        success = all(result is not None and result.success for result in results)
        self._managed_results = ManagedResults(self, self._backend_name(), success)
        return self._managed_results

    @staticmethod
    def _stop_waiting(futures: Sequence[Any]) -> None:
        for future in futures:
            future.cancel()

    def error_messages(self) -> str | None:
        """Why jobs failed, one block per failed job; ``None`` if none failed (blocks until
        every job is final)."""
        self._wait_for_submissions()
        self._ensure_ranges()
        report: list[str] = []
        for index, managed in enumerate(self._managed_jobs):
            message = managed.error_message()
            if not message or managed.job is None:
                continue
            report.append(
                f"Experiments {managed.start_index}-{managed.end_index}, job index={index}, "
                f"job ID={managed.job.job_id()}:"
            )
            report.extend(line.rjust(len(line) + 2) for line in message.split("\n"))
        return "\n".join(report) if report else None

    def cancel(self) -> None:
        """Cancel every job of the set; submissions not yet sent are abandoned."""
        self._stop.set()
        for managed in self._managed_jobs:
            if managed.future is not None:
                managed.future.cancel()
        self._turns.abandon()  # a cancelled job never takes its turn
        self._wait_for_submissions()
        for managed in self._managed_jobs:
            if managed.future is not None and managed.future.cancelled():
                managed.submit_error = managed.submit_error or IBMQJobManagerInvalidStateError(
                    "The job set was cancelled before this job was submitted."
                )
            managed.cancel()

    def jobs(self) -> list[IBMQJob | None]:
        """The jobs of the set, in order; ``None`` where the submission failed."""
        self._wait_for_submissions()
        return [managed.job for managed in self._managed_jobs]

    def job(self, experiment: str | int | Any) -> tuple[IBMQJob | None, int]:
        """The job holding an experiment, and the experiment's index in that job.

        Args:
            experiment: The experiment: its index in the set, its name, or the circuit
                (its name is used).

        Raises:
            IBMQJobManagerJobNotFound: If no job holds it.
        """
        managed, index = self._locate(experiment)
        return managed.job, index

    def _locate(self, experiment: str | int | Any) -> tuple[ManagedJob, int]:
        self._wait_for_submissions()
        self._ensure_ranges()
        if isinstance(experiment, int) and not isinstance(experiment, bool):
            for managed in self._managed_jobs:
                if managed.start_index <= experiment <= managed.end_index:
                    return managed, experiment - managed.start_index
        else:
            name = experiment if isinstance(experiment, str) else getattr(experiment, "name", None)
            for managed in self._managed_jobs:
                names = managed.experiment_names or []
                if name is not None and name in names:
                    return managed, names.index(name)
        raise IBMQJobManagerJobNotFound(f"Unable to find the job for experiment {experiment}.")

    def managed_jobs(self) -> list[ManagedJob]:
        """The managed jobs of the set, in order."""
        self._ensure_ranges()
        return list(self._managed_jobs)

    # ------------------------------------------------------------------ name, ID, tags

    def name(self) -> str:
        """The name of the set."""
        return self._name

    def job_set_id(self) -> str:
        """The ID of the set (for :meth:`IBMQJobManager.retrieve_job_set`)."""
        return self._id

    def tags(self) -> list[str]:
        """The tags of the set (its own ``ibmq_jobset_`` tag left out)."""
        return list(self._tags)

    def update_name(self, name: str) -> str:
        """Rename the set: every job is renamed, keeping its index suffix.

        Args:
            name: The new name.

        Returns:
            The new name.
        """
        for index, job in enumerate(self.jobs()):
            if job is None:
                continue
            parsed = parse_job_name(job.name())
            position = index if parsed is None else parsed[1]
            try:
                job.update_name(job_name(name, position))
            except IBMQJobApiError as err:
                logger.warning(
                    "There was an error updating the name for job %s, belonging to job set %s: %s",
                    job.job_id(),
                    self._id,
                    err,
                )
        self._name = name
        return self._name

    def update_tags(
        self,
        replacement_tags: list[str] | None = None,
        additional_tags: list[str] | None = None,
        removal_tags: list[str] | None = None,
    ) -> list[str]:
        """Update the tags of every job: replace, then add, then remove.

        The set's own ``ibmq_jobset_`` tag is never removed.

        Returns:
            The new tags of the set.

        Raises:
            IBMQJobManagerInvalidStateError: If no argument is given.
        """
        if replacement_tags is None and additional_tags is None and removal_tags is None:
            raise IBMQJobManagerInvalidStateError(
                "The tags cannot be updated since none of the parameters are specified."
            )
        updated: list[str] | None = None
        for job in self.jobs():
            if job is None:
                continue
            try:
                updated = job.update_tags(
                    replacement_tags=replacement_tags,
                    additional_tags=additional_tags,
                    removal_tags=removal_tags,
                )
            except IBMQJobApiError as err:
                logger.warning(
                    "There was an error updating the tags for job %s, belonging to job set %s: %s",
                    job.job_id(),
                    self._id,
                    err,
                )
        if updated is not None:
            self._tags = [tag for tag in updated if tag != self._id_long]
        return list(self._tags)

    # ------------------------------------------------------------------ internals

    def _backend_name(self) -> str:
        return "" if self._backend is None else str(self._backend.name())

    def _wait_for_submissions(self) -> None:
        if self._submissions_ended:  # every lookup of an experiment comes here
            return
        for managed in self._managed_jobs:
            future = managed.future
            if future is not None and not future.cancelled():
                future.result()
        self._submissions_ended = True

    def _ensure_ranges(self) -> None:
        """Learn each retrieved job's experiments (from its result, else its Qobj)."""
        if self._ranges_known:
            return
        start = 0
        for managed in self._managed_jobs:
            if managed.experiment_names is None:
                managed.experiment_names = _experiment_names(managed)
            managed.start_index = start
            managed.end_index = start + len(managed.experiment_names) - 1
            start = managed.end_index + 1
        self._ranges_known = True


def _remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    return max(0.0, deadline - time.monotonic())


def _header_name(header: Any) -> str | None:
    """An experiment's name: qiskit 0.46's headers are objects, qiskit 1 and 2's dicts."""
    name = header.get("name") if isinstance(header, dict) else getattr(header, "name", None)
    return name if isinstance(name, str) else None


def _experiment_names(managed: ManagedJob) -> list[str | None]:
    result = managed.cached_result
    if result is not None:
        return [_header_name(experiment.header) for experiment in result.results]
    assert managed.job is not None  # a retrieved job
    return [getattr(circuit, "name", None) for circuit in managed.job.circuits()]
