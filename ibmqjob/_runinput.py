"""Input of ``IBMQBackend.run``: validation and encoding into a Qobj. No I/O.

Everything the user passes is checked here, before any request, so that bad input raises
``IBMQBackendValueError`` with a message saying what is wrong and never creates a job.
Circuits are written by the project's encoder (``ibmqjob/_qobj.py``) on every qiskit line;
pulse schedules (and circuits with pulse calibrations, or ``schedule_los``) need qiskit's
pulse assembler, which only qiskit 0.46 has (``ibmqjob/_qiskit.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from qiskit.circuit import QuantumCircuit
from qiskit.exceptions import QiskitError

from . import _qiskit
from ._listing import validate_job_tags
from ._qobj import QobjEncodingError, encode_circuits
from .exceptions import IBMQBackendValueError, IBMQPulseNotAvailableError

__all__ = ["RunMetadata", "assemble_qobj", "run_metadata", "run_options"]

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
) -> dict[str, Any]:
    """Validate the experiments and run options of ``run`` and write the Qobj.

    Args:
        circuits: A ``QuantumCircuit`` or ``Schedule``, a list of them, or a Qobj object.
        configuration: The backend configuration.
        backend: The backend (for its pulse defaults, when LO frequencies are given).
        options: The backend's default run options.
        run_config: The options given to ``run`` (``None`` values mean "default").

    Returns:
        The Qobj document to submit.

    Raises:
        IBMQPulseNotAvailableError: If pulse is asked for where qiskit has none.
        IBMQBackendValueError: If the experiments or an option are invalid.
    """
    simulator = bool(getattr(configuration, "simulator", False))
    if "dynamic" in run_config:
        raise IBMQBackendValueError("Dynamic circuits are not supported by this job API.")
    _check_measure_esp(run_config.get("use_measure_esp"), configuration)
    method = getattr(configuration, "simulation_method", None) if simulator else None
    if _qiskit.is_qobj(circuits):
        warnings.warn(
            "Passing a Qobj to IBMQBackend.run() is deprecated; pass circuits or schedules.",
            DeprecationWarning,
            stacklevel=3,
        )
        if method and not hasattr(circuits.config, "method"):
            circuits.config.method = method
        document: dict[str, Any] = circuits.to_dict()
        return document
    _check_experiments(circuits)
    config = run_options(configuration, options, run_config)
    _check_shots(config.get("shots"))
    experiments = circuits if isinstance(circuits, list) else [circuits]
    pulse = _qiskit.needs_pulse(experiments, config)
    # Asked outside the translation below: a server error stays a server error.
    defaults = None if pulse else _lo_defaults(backend, config)
    try:
        if pulse:
            return dict(_qiskit.assemble_pulse(circuits, backend, config).to_dict())
        _check_units(experiments)
        return dict(encode_circuits(experiments, configuration, config, defaults))
    except IBMQPulseNotAvailableError:
        raise
    except (QiskitError, QobjEncodingError, TypeError, ValueError) as err:
        message = getattr(err, "message", None) or str(err)
        raise IBMQBackendValueError(f"The experiments cannot be run: {message}") from err


def run_options(
    configuration: Any, options: Mapping[str, Any], run_config: Mapping[str, Any]
) -> dict[str, Any]:
    """The run options of a job: the backend's, overridden by those given to ``run``.

    ``None`` values are dropped; ``header`` becomes ``qobj_header``; a simulator's
    ``simulation_method`` is sent as ``method``; a noise model as its dict;
    ``use_measure_esp`` is always sent.

    Args:
        configuration: The backend configuration.
        options: The backend's default run options.
        run_config: The options given to ``run``.

    Returns:
        The options for the Qobj encoder.
    """
    simulator = bool(getattr(configuration, "simulator", False))
    method = getattr(configuration, "simulation_method", None) if simulator else None
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
    return config


def _check_units(circuits: list[Any]) -> None:
    for circuit in circuits:
        unit = _qiskit.circuit_unit(circuit)
        if unit != "dt":
            raise QobjEncodingError(
                f"Unable to assemble circuit with unit '{unit}', which must be 'dt'."
            )


def _lo_defaults(backend: Any, config: Mapping[str, Any]) -> Any:
    """The pulse defaults, for default LO frequencies: only when LO settings are given for a
    pulse backend, as qiskit's assembler did."""
    lo_given = any(
        config.get(key) is not None
        for key in ("qubit_lo_freq", "meas_lo_freq", "qubit_lo_range", "meas_lo_range")
    )
    if not (lo_given and getattr(backend.configuration(), "open_pulse", False)):
        return None
    return backend.defaults()


def _check_measure_esp(use_measure_esp: object, configuration: Any) -> None:
    if use_measure_esp and not getattr(configuration, "measure_esp_enabled", False):
        raise IBMQBackendValueError(
            "ESP readout not supported on this device. Please make sure the flag "
            "'use_measure_esp' is unset or set to 'False'."
        )


def _check_experiments(circuits: object) -> None:
    experiments = circuits if isinstance(circuits, list) else [circuits]
    if not experiments or not all(
        isinstance(item, QuantumCircuit) or _qiskit.is_pulse_experiment(item)
        for item in experiments
    ):
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
                stacklevel=5,
            )
    return config


def _check_shots(shots: object) -> None:
    if shots is None:
        return
    if isinstance(shots, bool) or not isinstance(shots, int) or shots < 1:
        raise IBMQBackendValueError(f"shots needs to be a positive integer, not {shots!r}.")
