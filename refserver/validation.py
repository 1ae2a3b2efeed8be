"""Validation of an uploaded Qobj against the backend's configuration.

Two levels:

* :func:`check_upload` runs when the Qobj is uploaded: the body must be a JSON
  object with the top-level structure of the spec's ``Qobj`` schema (else HTTP 400).
* :func:`validate_qobj` runs while the job is ``VALIDATING``: everything the
  backend would refuse. A refusal ends the job in ``ERROR_VALIDATING_JOB`` with
  one of the 1xxx codes of :mod:`refserver.errors`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from refserver import errors
from refserver.devices import Device
from refserver.noise import noise_model_from_dict
from refserver.qobjconvert import QobjConversionError, decode_noise_model, to_circuits

_FEATURE_FREE_INSTRUCTIONS = frozenset({"measure", "barrier"})


class QobjRejected(Exception):
    """The Qobj cannot run on the backend.

    Args:
        code: 1xxx error code.
        message: the reason.
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ValidatedQobj:
    """A Qobj accepted for a backend, with the summary shown in ``summaryData``."""

    qobj: dict[str, Any]
    shots: int
    summary: dict[str, Any]
    circuits: tuple[Any, ...] = ()


def check_upload(data: bytes) -> dict[str, Any]:
    """Parse an uploaded Qobj and check its top-level structure.

    Returns:
        The parsed Qobj.

    Raises:
        ValueError: the body is not a JSON object shaped like a Qobj (the message says why).
    """
    try:
        qobj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"the Qobj is not valid JSON: {err}") from None
    except RecursionError:
        raise ValueError("the Qobj is nested too deeply") from None
    if not isinstance(qobj, dict):
        raise ValueError("the Qobj must be a JSON object")
    for key, kind in (
        ("qobj_id", str),
        ("schema_version", str),
        ("config", dict),
        ("experiments", list),
    ):
        if not isinstance(qobj.get(key), kind):
            raise ValueError(f"the Qobj needs `{key}` ({kind.__name__})")
    if qobj.get("type") not in ("QASM", "PULSE"):
        raise ValueError("the Qobj `type` must be QASM or PULSE")
    for index, experiment in enumerate(qobj["experiments"]):
        if not isinstance(experiment, dict) or not isinstance(experiment.get("instructions"), list):
            raise ValueError(f"experiment {index} needs an `instructions` list")
        for instruction in experiment["instructions"]:
            if not isinstance(instruction, dict) or not isinstance(instruction.get("name"), str):
                raise ValueError(f"experiment {index} has an instruction without a `name`")
    return qobj


def validate_qobj(data: bytes, device: Device) -> ValidatedQobj:
    """Check that a Qobj can run on ``device``.

    Args:
        data: the uploaded Qobj.
        device: the job's backend.

    Returns:
        The accepted Qobj and its summary.

    Raises:
        QobjRejected: the reason the backend refuses the Qobj.
    """
    try:
        qobj = check_upload(data)
    except ValueError as err:
        raise QobjRejected(
            errors.QOBJ_SCHEMA, f"Qobj does not conform to the schema: {err}"
        ) from None
    _check_type(qobj, device)
    config = qobj["config"]
    shots = _check_config(config, device, len(qobj["experiments"]))
    for index, experiment in enumerate(qobj["experiments"]):
        _check_experiment(index, experiment, config, device)
    try:
        circuits = to_circuits(qobj)
    except QobjConversionError as err:
        raise QobjRejected(
            errors.QOBJ_SCHEMA, f"Qobj does not conform to the schema: {err}"
        ) from None
    summary = {
        "qobj_config": {
            "n_qubits": max((c.num_qubits for c in circuits), default=0),
            "memory_slots": config.get(
                "memory_slots", max((c.num_clbits for c in circuits), default=0)
            ),
            "shots": shots,
            "type": qobj["type"],
        },
        "num_circuits": len(circuits),
        "max_qubits_used": max((_qubits_used(e) for e in qobj["experiments"]), default=0),
        "gates_executed": sum(len(e["instructions"]) for e in qobj["experiments"]) * shots,
        "partial_validation": False,
    }
    return ValidatedQobj(qobj, shots, summary, tuple(circuits))


def _check_type(qobj: dict[str, Any], device: Device) -> None:
    if qobj["type"] == "QASM":
        return
    if not device.configuration.get("open_pulse"):
        raise QobjRejected(errors.PULSE_NOT_SUPPORTED, "The backend does not support open pulse")
    raise QobjRejected(
        errors.VALIDATION_FAILED,
        f"Pulse jobs are not supported on {device.name}: this server has no pulse-level "
        "simulator (the one known gap of the reference server), so it runs circuit (QASM) "
        "Qobjs only",
    )


def _check_config(config: dict[str, Any], device: Device, n_experiments: int) -> int:
    if n_experiments == 0:
        raise QobjRejected(
            errors.QOBJ_SCHEMA, "Qobj does not conform to the schema: no experiments"
        )
    max_experiments = int(device.configuration.get("max_experiments", n_experiments))
    if n_experiments > max_experiments:
        raise QobjRejected(
            errors.TOO_MANY_EXPERIMENTS,
            f"The number of experiments in the Qobj ({n_experiments}) is higher than the number"
            f" of experiments supported by the backend ({max_experiments})",
        )
    shots = config.get("shots", 1024)
    if not _is_int(shots) or shots < 1:
        raise QobjRejected(
            errors.QOBJ_SCHEMA,
            "Qobj does not conform to the schema: `shots` must be a positive integer",
        )
    max_shots = int(device.configuration["max_shots"])
    if shots > max_shots:
        raise QobjRejected(
            errors.TOO_MANY_SHOTS,
            f"The number of shots in the Qobj ({shots}) is higher than the number of shots"
            f" supported by the backend ({max_shots})",
        )
    if config.get("memory") and not device.configuration.get("memory"):
        raise QobjRejected(
            errors.MEMORY_NOT_SUPPORTED,
            "The Qobj requests memory measurement, but the backend does not support memory",
        )
    seed = config.get("seed_simulator")
    if seed is not None and (not _is_int(seed) or seed < 0):
        raise QobjRejected(
            errors.QOBJ_SCHEMA,
            "Qobj does not conform to the schema: `seed_simulator` must be a non-negative integer",
        )
    if config.get("meas_level", 2) != 2:
        raise QobjRejected(
            errors.VALIDATION_FAILED,
            "Measurement level {!r} is not supported: the simulator returns classified results "
            "(meas_level 2) only".format(config.get("meas_level")),
        )
    _check_simulator_options(config, device)
    return int(shots)


def _check_simulator_options(config: dict[str, Any], device: Device) -> None:
    if "noise_model" in config and not device.is_simulator:
        raise QobjRejected(errors.VALIDATION_FAILED, "A noise model is only accepted by simulators")
    if "noise_model" in config:
        try:
            noise_model_from_dict(decode_noise_model(config["noise_model"]))
        except ValueError as err:
            raise QobjRejected(
                errors.QOBJ_SCHEMA,
                f"Qobj does not conform to the schema: invalid noise_model ({err})",
            ) from None
    method = config.get("method")
    if method is not None and method not in _METHODS:
        raise QobjRejected(
            errors.VALIDATION_FAILED,
            "Unknown simulation method {!r}; one of {}".format(method, ", ".join(sorted(_METHODS))),
        )


_METHODS = frozenset(
    {
        "automatic",
        "statevector",
        "density_matrix",
        "stabilizer",
        "matrix_product_state",
        "extended_stabilizer",
    }
)


def _check_experiment(
    index: int, experiment: dict[str, Any], config: dict[str, Any], device: Device
) -> None:
    raw_config = experiment.get("config")
    exp_config: dict[str, Any] = raw_config if isinstance(raw_config, dict) else {}
    declared = exp_config.get("n_qubits", config.get("n_qubits"))
    declared_count = declared if isinstance(declared, int) and not isinstance(declared, bool) else 0
    used = max(_qubits_used(experiment), declared_count)
    if used > device.n_qubits:
        raise QobjRejected(
            errors.TOO_MANY_QUBITS,
            f"The number of qubits used in the Qobj ({used}) is more than the number of qubits"
            f" supported by the backend ({device.n_qubits})",
        )
    unknown = sorted(
        {i["name"] for i in experiment["instructions"]} - device.instructions - {"bfunc"}
    )
    if unknown:
        raise QobjRejected(
            errors.NOT_IN_BASIS_GATES,
            f"The Qobj uses gates ({', '.join(unknown)}) that are not among the basis gates"
            f" of the backend ({', '.join(device.configuration['basis_gates'])})",
        )
    for instruction in experiment["instructions"]:
        _check_instruction(index, instruction, device)


def _check_instruction(index: int, instruction: dict[str, Any], device: Device) -> None:
    qubits = instruction.get("qubits", [])
    if not isinstance(qubits, list) or not all(_is_int(q) and q >= 0 for q in qubits):
        raise QobjRejected(
            errors.QOBJ_SCHEMA,
            f"Qobj does not conform to the schema: experiment {index},"
            f" instruction {instruction['name']} has invalid qubits",
        )
    memory = instruction.get("memory", [])
    if not isinstance(memory, list) or not all(_is_int(m) and m >= 0 for m in memory):
        raise QobjRejected(
            errors.QOBJ_SCHEMA,
            f"Qobj does not conform to the schema: experiment {index},"
            f" instruction {instruction['name']} has invalid memory",
        )
    conditional = instruction["name"] == "bfunc" or "conditional" in instruction
    if conditional and not device.configuration.get("conditional"):
        raise QobjRejected(
            errors.VALIDATION_FAILED,
            f"The backend does not support conditional instructions (experiment {index})",
        )
    coupling = device.coupling
    if (
        coupling is not None
        and len(qubits) == 2
        and instruction["name"] not in _FEATURE_FREE_INSTRUCTIONS
        and (qubits[0], qubits[1]) not in coupling
    ):
        raise QobjRejected(
            errors.COUPLING_MAP,
            f"The Qobj includes an instruction ({instruction['name']} on qubits {qubits} in"
            f" experiment {index}) that assumes a coupling map different from the backend's"
            " coupling map",
        )


def _qubits_used(experiment: dict[str, Any]) -> int:
    highest = -1
    for instruction in experiment["instructions"]:
        qubits = instruction.get("qubits")
        if isinstance(qubits, list):
            highest = max([highest, *(q for q in qubits if _is_int(q))])
    return highest + 1


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
