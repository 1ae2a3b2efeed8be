"""``IBMQJobManager``: run many experiments as a set of jobs, retrieve sets by ID."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from qiskit.circuit import QuantumCircuit

from .._tags import validate_tags
from ..backend import IBMQBackend
from ._names import split_experiments
from ._report import format_job_details, format_status_counts
from .exceptions import IBMQJobManagerInvalidStateError
from .managedjobset import ManagedJobSet

__all__ = ["IBMQJobManager"]

SUBMIT_WORKERS = 5
"""Most jobs a manager submits at the same time (uploads in flight)."""


class IBMQJobManager:
    """Runs many experiments as a set of jobs and gives back their results as one.

    ::

        from ibmqjob.managed import IBMQJobManager

        manager = IBMQJobManager()
        job_set = manager.run(circuits, backend=backend, name="sweep", shots=1024)
        results = job_set.results()
        results.get_counts(5)          # experiment 5 of the list, or by its name
        job_set_id = job_set.job_set_id()
        again = manager.retrieve_job_set(job_set_id, provider)   # later, or elsewhere

    The experiments are split into jobs within the backend's ``max_experiments``; the jobs
    are submitted concurrently, and when the account's job limit is reached a submission
    waits for a job to finish rather than fail.

    The jobs write their Qobjs one at a time, in order, and each upload overlaps the writing
    of the next, so the backend starts on the first job while the others are being written.
    """

    def __init__(self, max_workers: int = SUBMIT_WORKERS) -> None:
        """Create a job manager.

        Args:
            max_workers: Most jobs submitted at the same time.

        Raises:
            IBMQJobManagerInvalidStateError: If ``max_workers`` is not a positive integer.
        """
        if not isinstance(max_workers, int) or isinstance(max_workers, bool) or max_workers < 1:
            raise IBMQJobManagerInvalidStateError(
                f"max_workers must be a positive integer, got {max_workers!r}."
            )
        self._job_sets: list[ManagedJobSet] = []
        self._executor = ThreadPoolExecutor(max_workers, "ibmqjob-submit")

    def run(
        self,
        experiments: QuantumCircuit | Sequence[Any],
        backend: IBMQBackend,
        name: str | None = None,
        max_experiments_per_job: int | None = None,
        job_share_level: str | None = None,
        job_tags: list[str] | None = None,
        **run_config: Any,
    ) -> ManagedJobSet:
        """Split the experiments into jobs and submit them (the call returns at once).

        Args:
            experiments: A circuit or a list of circuits (schedules on pulse backends).
            backend: The backend to run them on.
            name: Name of the set; each job is named ``<name>_<index>_``. By default the
                current UTC date and time.
            max_experiments_per_job: Most experiments per job; by default (and at most) the
                backend's ``max_experiments``, as with the original client.
            job_share_level: Ignored (the server no longer supports sharing); warns.
            job_tags: Tags of every job of the set.
            run_config: Run options of every job (``shots``, ``memory``,
                ``seed_simulator``, ...), as for ``backend.run``.

        Returns:
            The job set.

        Raises:
            IBMQJobManagerInvalidStateError: If an argument is not valid (nothing is sent).
        """
        if job_share_level:
            warnings.warn(
                "The `job_share_level` keyword is no longer supported and is ignored.",
                DeprecationWarning,
                stacklevel=2,
            )
        if not isinstance(backend, IBMQBackend):
            raise IBMQJobManagerInvalidStateError(
                f"IBMQJobManager only supports IBMQBackend. {backend} is not an IBMQBackend."
            )
        experiment_list = _experiment_list(experiments, backend)
        tags = (
            None
            if job_tags is None
            else validate_tags(job_tags, "job_tags", IBMQJobManagerInvalidStateError)
        )
        if "job_name" in run_config:
            raise IBMQJobManagerInvalidStateError(
                "job_name is set by the job manager: use name for the job set's name."
            )
        if name is not None and not isinstance(name, str):
            raise IBMQJobManagerInvalidStateError(f"name must be a string, got {name!r}.")
        chunks = split_experiments(
            experiment_list, _chunk_size(backend, max_experiments_per_job, len(experiment_list))
        )
        job_set = ManagedJobSet(name=name)
        job_set.run(chunks, backend=backend, executor=self._executor, job_tags=tags, **run_config)
        self._job_sets.append(job_set)
        return job_set

    def report(self, detailed: bool = True) -> str:
        """A report on the statuses of every job of every set of this manager.

        Args:
            detailed: Add one block per job set and job to the summary.
        """
        statuses = [job_set.statuses() for job_set in self._job_sets]
        report = ["Summary report:"]
        report.extend(format_status_counts([status for each in statuses for status in each]))
        if detailed:
            report.append("\nDetail report:")
            for job_set, set_statuses in zip(self._job_sets, statuses, strict=True):
                report.append(f"  Job set name: {job_set.name()}, ID: {job_set.job_set_id()}")
                report.extend(format_job_details(set_statuses, job_set.managed_jobs()))
        return "\n".join(report)

    def job_sets(self, name: str | None = None) -> list[ManagedJobSet]:
        """The job sets of this manager (created or retrieved), optionally those of a name.

        Args:
            name: Only the sets of this name.
        """
        if name:
            return [job_set for job_set in self._job_sets if job_set.name() == name]
        return list(self._job_sets)

    def retrieve_job_set(
        self, job_set_id: str, provider: Any, refresh: bool = False
    ) -> ManagedJobSet:
        """Retrieve a job set by its ID (from this manager, else from the server).

        Args:
            job_set_id: The ID (``ManagedJobSet.job_set_id()``).
            provider: The provider the set was submitted with.
            refresh: Ask the server again even if this manager knows the set.

        Returns:
            The job set.

        Raises:
            IBMQJobManagerUnknownJobSet: If no job belongs to the set.
            IBMQJobManagerInvalidStateError: If the set's jobs are not a whole set.
        """
        if not isinstance(job_set_id, str) or not job_set_id:
            raise IBMQJobManagerInvalidStateError(
                f"job_set_id must be a non-empty string, got {job_set_id!r}."
            )
        for index, job_set in enumerate(self._job_sets):
            if job_set.job_set_id() == job_set_id:
                if not refresh:
                    return job_set
                del self._job_sets[index]
                break
        job_set = ManagedJobSet(short_id=job_set_id)
        job_set.retrieve_jobs(provider=provider)
        self._job_sets.append(job_set)
        return job_set


def _experiment_list(experiments: Any, backend: IBMQBackend) -> list[Any]:
    """The experiments as a non-empty list of circuits (or of schedules, on pulse backends)."""
    if isinstance(experiments, QuantumCircuit):
        return [experiments]
    if isinstance(experiments, (str, bytes)) or not isinstance(experiments, Sequence):
        if not hasattr(experiments, "__iter__"):
            raise IBMQJobManagerInvalidStateError(
                f"experiments must be a circuit or a list of circuits, got {experiments!r:.100}."
            )
    listed = list(experiments) if not isinstance(experiments, (str, bytes)) else [experiments]
    if not listed:
        raise IBMQJobManagerInvalidStateError("experiments is empty: there is nothing to run.")
    pulse = bool(getattr(backend.configuration(), "open_pulse", False))
    for index, experiment in enumerate(listed):
        if isinstance(experiment, QuantumCircuit):
            continue
        if pulse and type(experiment).__name__ in ("Schedule", "ScheduleBlock"):
            continue
        what = "a circuit or a pulse schedule" if pulse else "a circuit"
        raise IBMQJobManagerInvalidStateError(
            f"Experiment {index} is not {what}: {type(experiment).__name__}."
        )
    return listed


def _chunk_size(backend: IBMQBackend, per_job: int | None, count: int) -> int:
    """Experiments per job: ``per_job`` within the backend's ``max_experiments``."""
    if per_job is not None and (
        not isinstance(per_job, int) or isinstance(per_job, bool) or per_job < 1
    ):
        raise IBMQJobManagerInvalidStateError(
            f"max_experiments_per_job must be a positive integer, got {per_job!r}."
        )
    backend_max = getattr(backend.configuration(), "max_experiments", None)
    limits = [limit for limit in (backend_max, per_job) if isinstance(limit, int) and limit > 0]
    return min(limits) if limits else count
