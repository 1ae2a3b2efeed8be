"""Decoding of server documents into qiskit objects (Qobj, BackendProperties, Result).

Date-times on the wire are UTC; the objects returned carry local-time datetimes. Complex
numbers of pulse Qobjs travel as ``[real, imag]`` pairs. Inputs are never modified: each
function works on a deep copy.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from qiskit.exceptions import QiskitError
from qiskit.providers.models import BackendProperties, PulseDefaults
from qiskit.qobj import PulseQobj, QasmQobj
from qiskit.result import Result
from qiskit.result.postprocess import format_counts_memory

from ._time import parse_iso, utc_to_local

__all__ = ["decode_properties", "decode_qobj", "decode_result", "local_time"]

_QOBJ_REQUIRED = ("qobj_id", "type", "config", "experiments")


def local_time(value: str | dt.datetime) -> dt.datetime:
    """Turn a UTC ISO string or datetime from the server into a local-time datetime.

    Args:
        value: The UTC instant (an offset, when present, is respected).

    Returns:
        The instant in the local time zone.

    Raises:
        ValueError: If the string is not ISO-8601.
        TypeError: If the value is neither a string nor a datetime.
    """
    return utc_to_local(parse_iso(value))


def decode_qobj(data: Mapping[str, Any]) -> QasmQobj | PulseQobj:
    """Build a ``QasmQobj`` or ``PulseQobj`` from its JSON document.

    Args:
        data: The Qobj document; ``type`` ``PULSE`` selects a ``PulseQobj``.

    Returns:
        The Qobj.

    Raises:
        ValueError, TypeError, KeyError: If the document is not a valid Qobj.
    """
    missing = [key for key in _QOBJ_REQUIRED if key not in data]
    if missing:
        # qiskit's from_dict accepts almost anything; an empty Qobj would hide the problem.
        raise ValueError(f"Qobj without {', '.join(missing)}.")
    qobj = copy.deepcopy(dict(data))
    if qobj.get("type") == "PULSE":
        _decode_pulse(qobj)
        return PulseQobj.from_dict(qobj)
    return QasmQobj.from_dict(qobj)


def decode_properties(data: Mapping[str, Any]) -> BackendProperties:
    """Build ``BackendProperties`` from its JSON document, dates in local time.

    Args:
        data: The properties document.

    Returns:
        The backend properties.

    Raises:
        ValueError, TypeError, KeyError: If the document is not valid.
    """
    props = copy.deepcopy(dict(data))
    props["last_update_date"] = local_time(props["last_update_date"])
    for qubit in props.get("qubits", []):
        for nduv in qubit:
            nduv["date"] = local_time(nduv["date"])
    for gate in props.get("gates", []):
        for param in gate.get("parameters", []):
            param["date"] = local_time(param["date"])
    for general in props.get("general", []):
        general["date"] = local_time(general["date"])
    return BackendProperties.from_dict(props)


class JobResult(Result):  # type: ignore[misc]  # qiskit ships no type information
    """A qiskit ``Result`` whose ``get_memory()`` formats each distinct shot value once.

    Per-shot memory of measurement level 2 holds few distinct values (``"0x0"``...) repeated
    shots times; qiskit formats every shot anew (``format_counts_memory``), which costs more
    than downloading and decoding the whole result. The output is the same list.
    """

    def get_memory(self, experiment: Any = None) -> Any:
        """Get the sequence of memory states (readouts) for each shot (see qiskit's
        ``Result.get_memory``; same arguments, same answer)."""
        try:
            experiment_result = self._get_experiment(experiment)
            memory = self.data(experiment)["memory"]
        except (KeyError, QiskitError):
            return super().get_memory(experiment)  # raises qiskit's own error
        if experiment_result.meas_level != 2 or not isinstance(memory, list):
            return super().get_memory(experiment)
        try:
            header = experiment_result.header.to_dict()
        except (AttributeError, QiskitError):
            header = None
        formatted = {shot: format_counts_memory(shot, header) for shot in set(memory)}
        return list(map(formatted.__getitem__, memory))


def decode_result(data: Mapping[str, Any], **extra: Any) -> Result:
    """Build a qiskit ``Result`` from its JSON document, ``date`` in local time.

    Args:
        data: The result document.
        extra: Keys to add to the document (e.g. ``client_version``).

    Returns:
        The result.

    Raises:
        ValueError, TypeError, KeyError, AttributeError: If the document is not a valid result.
    """
    # A shallow copy: Result.from_dict copies what it changes, never the data lists.
    result = dict(data)
    result.update(extra)
    if result.get("date") is not None:
        result["date"] = local_time(result["date"])
    return JobResult.from_dict(result)


def _complex(value: Any) -> Any:
    if isinstance(value, list | tuple) and len(value) == 2:
        return complex(value[0], value[1])
    return value


def decode_pulse_defaults(data: Mapping[str, Any]) -> PulseDefaults:
    """Build qiskit ``PulseDefaults`` from their JSON document (complex numbers as ``[re, im]``).

    Args:
        data: The pulse defaults document; it is not modified.

    Returns:
        The pulse defaults.

    Raises:
        ValueError, TypeError, KeyError, AttributeError: If the document is not valid.
    """
    defaults = copy.deepcopy(dict(data))
    _decode_pulse_library(defaults.get("pulse_library", []))
    for command in defaults.get("cmd_def", []):
        for instruction in command.get("sequence", []):
            _decode_amp(instruction)
    return PulseDefaults.from_dict(defaults)


def _decode_pulse(qobj: dict[str, Any]) -> None:
    _decode_pulse_library(qobj.get("config", {}).get("pulse_library", []))
    for experiment in qobj.get("experiments", []):
        for instruction in experiment.get("instructions", []):
            if "val" in instruction:
                instruction["val"] = _complex(instruction["val"])
            _decode_amp(instruction)


def _decode_pulse_library(library: list[dict[str, Any]]) -> None:
    for item in library:
        item["samples"] = [_complex(sample) for sample in item.get("samples", [])]


def _decode_amp(instruction: dict[str, Any]) -> None:
    parameters = instruction.get("parameters")
    if isinstance(parameters, dict) and "amp" in parameters:
        parameters["amp"] = _complex(parameters["amp"])
