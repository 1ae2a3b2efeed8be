"""Input of ``IBMQBackend.run``: validation and assembly into a Qobj. No I/O.

Everything the user passes is checked here, before any request, so that bad input raises
``IBMQBackendValueError`` with a message saying what is wrong and never creates a job.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from qiskit.circuit import QuantumCircuit
from qiskit.compiler import assemble
from qiskit.exceptions import QiskitError
from qiskit.pulse import Schedule, ScheduleBlock
from qiskit.qobj import PulseQobj, QasmQobj

from ._listing import validate_job_tags
from .exceptions import IBMQBackendValueError

__all__ = ["RunMetadata", "assemble_qobj", "run_metadata"]

_EXPERIMENT_TYPES = (QuantumCircuit, Schedule, ScheduleBlock)

# Arguments of the original ``run()`` that are not backend options.
_RUN_ARGUMENTS = frozenset({"parameter_binds", "qobj_id"})

RunMetadata = tuple[str | None, list[str] | None, str | None]


def run_metadata(job_name: object, job_tags: object, experiment_id: object) -> RunMetadata:
    """Check the job metadata given to ``run``.

    Args:
        job_name: ``None`` or a string.
        job_tags: ``None`` or a list of strings.
        experiment_id: ``None`` or a string.

    Returns:
        ``(job_name, job_tags, experiment_id)``.

    Raises:
        IBMQBackendValueError: If a value has the wrong type.
    """
    tags = validate_job_tags(job_tags)
    return _optional_str(job_name, "job_name"), tags, _optional_str(experiment_id, "experiment_id")


def _optional_str(value: object, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise IBMQBackendValueError(f"{name} needs to be a string, not {type(value).__name__}.")


def assemble_qobj(
    circuits: Any,
    configuration: Any,
    backend: Any,
    options: Mapping[str, Any],
    run_config: Mapping[str, Any],
) -> QasmQobj | PulseQobj:
    """Validate the experiments and run options of ``run`` and assemble the Qobj.

    Args:
        circuits: A ``QuantumCircuit`` or ``Schedule``, a list of them, or a Qobj.
        configuration: The backend configuration.
        backend: The backend (given to ``assemble``).
        options: The backend's default run options.
        run_config: The options given to ``run`` (``None`` values mean "default").

    Returns:
        The Qobj to submit.

    Raises:
        IBMQBackendValueError: If the experiments or an option are invalid.
    """
    simulator = bool(getattr(configuration, "simulator", False))
    if "dynamic" in run_config:
        raise IBMQBackendValueError("Dynamic circuits are not supported by this job API.")
    _check_measure_esp(run_config.get("use_measure_esp"), configuration)
    method = getattr(configuration, "simulation_method", None) if simulator else None
    if isinstance(circuits, QasmQobj | PulseQobj):
        warnings.warn(
            "Passing a Qobj to IBMQBackend.run() is deprecated; pass circuits or schedules.",
            DeprecationWarning,
            stacklevel=3,
        )
        if method and not hasattr(circuits.config, "method"):
            circuits.config.method = method
        return circuits
    _check_experiments(circuits)
    run_config = dict(run_config)
    header = run_config.pop("header", None) or run_config.pop("qobj_header", None)
    config = _merge_options(options, run_config, simulator)
    # Unset, ESP readout follows the backend's flag and is always sent, as the original did.
    config.setdefault("use_measure_esp", bool(getattr(configuration, "measure_esp_enabled", False)))
    if header is not None:
        config["qobj_header"] = header
    if method and "method" not in config:
        config["method"] = method
    noise_model = config.get("noise_model")
    if noise_model is not None and hasattr(noise_model, "to_dict"):
        config["noise_model"] = noise_model.to_dict(serializable=True)
    _check_shots(config.get("shots"))
    try:
        qobj: QasmQobj | PulseQobj = assemble(circuits, backend, **config)
    except (QiskitError, TypeError, ValueError) as err:
        message = getattr(err, "message", None) or str(err)
        raise IBMQBackendValueError(f"The experiments cannot be run: {message}") from err
    return qobj


def _check_measure_esp(use_measure_esp: object, configuration: Any) -> None:
    if use_measure_esp and not getattr(configuration, "measure_esp_enabled", False):
        raise IBMQBackendValueError(
            "ESP readout not supported on this device. Please make sure the flag "
            "'use_measure_esp' is unset or set to 'False'."
        )


def _check_experiments(circuits: object) -> None:
    experiments = circuits if isinstance(circuits, list) else [circuits]
    if not experiments or not all(isinstance(item, _EXPERIMENT_TYPES) for item in experiments):
        raise IBMQBackendValueError(
            "circuits needs to be a QuantumCircuit or Schedule, a non-empty list of them, or a "
            f"Qobj, not {_describe(circuits)}."
        )


def _describe(value: object) -> str:
    if isinstance(value, list):
        kinds = sorted({type(item).__name__ for item in value})
        return f"a list of {', '.join(kinds)}" if kinds else "an empty list"
    return type(value).__name__


def _merge_options(
    options: Mapping[str, Any], run_config: Mapping[str, Any], simulator: bool
) -> dict[str, Any]:
    config = {key: value for key, value in options.items() if value is not None}
    for key, value in run_config.items():
        if value is None:
            continue
        config[key] = value
        if key not in options and key not in _RUN_ARGUMENTS and not simulator:
            warnings.warn(
                f"{key} is not a recognized runtime option and may be ignored by the backend.",
                stacklevel=4,
            )
    return config


def _check_shots(shots: object) -> None:
    if shots is None:
        return
    if isinstance(shots, bool) or not isinstance(shots, int) or shots < 1:
        raise IBMQBackendValueError(f"shots needs to be a positive integer, not {shots!r}.")
