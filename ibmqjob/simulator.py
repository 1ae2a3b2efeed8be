"""``IBMQSimulator``: a simulator backend, with the original client's ``run`` signature."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from typing import Any

from qiskit.providers import Options

from .backend import IBMQBackend, PreparedJob
from .job import IBMQJob

__all__ = ["IBMQSimulator"]


class IBMQSimulator(IBMQBackend):
    """A simulator backend of a hub/group/project (``configuration().simulator`` is true)."""

    @classmethod
    def _default_options(cls) -> Options:
        options: Options = super()._default_options()
        options.update_options(noise_model=None, seed_simulator=None)
        return options

    def properties(self, refresh: bool = False, datetime: dt.datetime | None = None) -> Any:
        """Return ``None``: simulators have no calibration."""
        return None

    def run(  # type: ignore[override]  # the original's positional order for simulators
        self,
        circuits: Any,
        job_name: str | None = None,
        job_share_level: str | None = None,
        job_tags: list[str] | None = None,
        experiment_id: str | None = None,
        backend_options: dict[str, Any] | None = None,
        noise_model: Any = None,
        live_data_enabled: bool | None = None,
        **kwargs: Any,
    ) -> IBMQJob:
        """Run circuits on the simulator.

        Args:
            circuits: A ``QuantumCircuit``, a list of them, or a Qobj (deprecated).
            job_name: Name of the job.
            job_share_level: Ignored (the server no longer supports sharing).
            job_tags: Tags of the job.
            experiment_id: ID of the experiment the job is part of.
            backend_options: Deprecated: run options as a dictionary; ``kwargs`` win.
            noise_model: A noise model (a qiskit-aer ``NoiseModel`` or its dictionary).
            live_data_enabled: Sent as ``liveDataEnabled``.
            kwargs: Run options (``shots``, ``seed_simulator``, ...).

        Returns:
            The job, already submitted.

        Raises:
            IBMQBackendValueError: If an argument is invalid (nothing is sent).
            IBMQBackendApiError: If the submission failed.
        """
        if backend_options is not None:
            warnings.warn(_BACKEND_OPTIONS_DEPRECATED, DeprecationWarning, stacklevel=2)
        run_config = _merged(backend_options, noise_model, kwargs)
        return super().run(
            circuits,
            job_name=job_name,
            job_share_level=job_share_level,
            job_tags=job_tags,
            experiment_id=experiment_id,
            live_data_enabled=live_data_enabled,
            **run_config,
        )

    def _prepare(
        self,
        circuits: Any,
        *,
        job_name: str | None = None,
        job_tags: list[str] | None = None,
        experiment_id: str | None = None,
        live_data_enabled: bool | None = None,
        run_config: Mapping[str, Any],
    ) -> PreparedJob:
        # Run options given to a job manager reach the simulator here, not through run().
        options = dict(run_config)
        backend_options = options.pop("backend_options", None)
        if backend_options is not None:
            warnings.warn(_BACKEND_OPTIONS_DEPRECATED, DeprecationWarning, stacklevel=4)
        return super()._prepare(
            circuits,
            job_name=job_name,
            job_tags=job_tags,
            experiment_id=experiment_id,
            live_data_enabled=live_data_enabled,
            run_config=_merged(backend_options, options.pop("noise_model", None), options),
        )


_BACKEND_OPTIONS_DEPRECATED = (
    "Use of `backend_options` is deprecated: pass run options as keyword"
    " arguments, e.g. backend.run(circuits, shots=2048)."
)


def _merged(
    backend_options: Mapping[str, Any] | None, noise_model: Any, kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    """The run options: ``backend_options``, then the noise model, then ``kwargs``."""
    run_config = dict(backend_options or {})
    if noise_model is not None:
        run_config["noise_model"] = noise_model
    run_config.update(kwargs)
    return run_config
