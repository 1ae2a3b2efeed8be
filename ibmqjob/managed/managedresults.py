"""``ManagedResults``: the results of a job set, read like one ``Result``."""

from __future__ import annotations

import copy
from typing import Any, Protocol

from qiskit.result import Result

from .exceptions import IBMQManagedResultDataNotAvailable
from .managedjob import ManagedJob

__all__ = ["ManagedResults"]


class JobsOfExperiments(Protocol):
    """What the results need of their job set (``ManagedJobSet`` is one)."""

    def managed_jobs(self) -> list[ManagedJob]:
        """The managed jobs, in order."""
        ...

    def _locate(self, experiment: str | int | Any) -> tuple[ManagedJob, int]:
        """The managed job holding an experiment, and its index there."""
        ...


class ManagedResults:
    """The results of every job of a set, with the methods of ``qiskit.result.Result``.

    An experiment is named by its index in the set, its name, or its circuit (whose name is
    used). With partial results (``results(partial=True)``) an experiment that failed raises
    ``QiskitError`` like ``Result`` does; check ``success`` first.

    Attributes:
        backend_name: The backend the experiments ran on.
        success: Whether every job succeeded and gave its result.
    """

    def __init__(self, job_set: JobsOfExperiments, backend_name: str, success: bool) -> None:
        """Create the results of a job set (``ManagedJobSet.results()`` does it).

        Args:
            job_set: The job set.
            backend_name: The backend the experiments ran on.
            success: Whether every job succeeded and gave its result.
        """
        self._job_set = job_set
        self.backend_name = backend_name
        self.success = success
        self._combined: Result | None = None

    def data(self, experiment: str | int | Any) -> dict[str, Any]:
        """The raw data of an experiment (``Result.data``).

        Raises:
            IBMQManagedResultDataNotAvailable: If its result is not available.
            IBMQJobManagerJobNotFound: If no job holds the experiment.
        """
        result, index = self._get_result(experiment)
        data: dict[str, Any] = result.data(index)
        return data

    def get_memory(self, experiment: str | int | Any) -> Any:
        """The memory (one readout per shot) of an experiment (``Result.get_memory``).

        Raises:
            IBMQManagedResultDataNotAvailable: If its result is not available.
            IBMQJobManagerJobNotFound: If no job holds the experiment.
        """
        result, index = self._get_result(experiment)
        return result.get_memory(index)

    def get_counts(self, experiment: str | int | Any) -> dict[str, int]:
        """The counts of an experiment (``Result.get_counts``).

        Raises:
            IBMQManagedResultDataNotAvailable: If its result is not available.
            IBMQJobManagerJobNotFound: If no job holds the experiment.
        """
        result, index = self._get_result(experiment)
        counts: dict[str, int] = result.get_counts(index)
        return counts

    def get_statevector(self, experiment: str | int | Any, decimals: int | None = None) -> Any:
        """The final statevector of an experiment (``Result.get_statevector``).

        Raises:
            IBMQManagedResultDataNotAvailable: If its result is not available.
            IBMQJobManagerJobNotFound: If no job holds the experiment.
        """
        result, index = self._get_result(experiment)
        return result.get_statevector(experiment=index, decimals=decimals)

    def get_unitary(self, experiment: str | int | Any, decimals: int | None = None) -> Any:
        """The final unitary of an experiment (``Result.get_unitary``).

        Raises:
            IBMQManagedResultDataNotAvailable: If its result is not available.
            IBMQJobManagerJobNotFound: If no job holds the experiment.
        """
        result, index = self._get_result(experiment)
        return result.get_unitary(experiment=index, decimals=decimals)

    def combine_results(self) -> Result:
        """One ``Result`` holding every experiment, in the set's order.

        Raises:
            IBMQManagedResultDataNotAvailable: If some job failed (the order could not be
                kept).
        """
        if self._combined is not None:
            return self._combined
        if not self.success:
            raise IBMQManagedResultDataNotAvailable(
                "Results cannot be combined since some of the jobs failed."
            )
        results = [managed.cached_result for managed in self._job_set.managed_jobs()]
        if not results or any(result is None for result in results):
            raise IBMQManagedResultDataNotAvailable("Results of some jobs are not available.")
        first = results[0]
        assert first is not None
        combined = copy.copy(first)
        combined.results = [item for result in results if result for item in result.results]
        self._combined = combined
        return combined

    def _get_result(self, experiment: str | int | Any) -> tuple[Result, int]:
        managed, index = self._job_set._locate(experiment)
        if managed.job is None:
            raise IBMQManagedResultDataNotAvailable(
                f"Job for experiment {experiment} was not successfully submitted."
            )
        result = managed.cached_result
        if result is None:
            raise IBMQManagedResultDataNotAvailable(
                f"Result data for experiment {experiment} is not available."
            )
        return result, index
