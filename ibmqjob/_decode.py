"""Decoding of server documents into qiskit objects (Qobj, BackendProperties, Result).

The classes are the installed qiskit line's (``ibmqjob/_qiskit.py``): qiskit's own on 0.46,
ibmqjob's attribute-compatible ones where qiskit removed them.

Date-times on the wire are UTC; the objects returned carry local-time datetimes. Complex
numbers of pulse Qobjs travel as ``[real, imag]`` pairs. Inputs are never modified: each
function works on a deep copy.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from qiskit.exceptions import QiskitError
from qiskit.result import Result
from qiskit.result.postprocess import format_counts_memory

from . import _qiskit
from ._time import parse_iso, utc_to_local

__all__ = [
    "check_result_document",
    "decode_properties",
    "decode_qobj",
    "decode_result",
    "local_time",
]

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


def decode_qobj(data: Mapping[str, Any]) -> Any:
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
    return _qiskit.qobj_from_dict(qobj)


def decode_properties(data: Mapping[str, Any]) -> Any:
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
    return _qiskit.properties_from_dict(props)


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
        # qiskit 1 and 2: a dict; qiskit 0.46: an object (an error to ask when it has none)
        header = getattr(experiment_result, "header", None)
        if header is not None and not isinstance(header, dict):
            try:
                header = header.to_dict()
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
        ValueError: If the document is not a valid result (:func:`check_result_document`).
        TypeError, KeyError, AttributeError: If qiskit refuses it otherwise.
    """
    check_result_document(data)
    # A shallow copy: Result.from_dict copies what it changes, never the data lists.
    result = dict(data)
    result.update(extra)
    if result.get("date") is not None:
        result["date"] = local_time(result["date"])
    return JobResult.from_dict(result)


# An outcome as qiskit's formatters read it: hexadecimal ``0x..`` or bits (spaces between
# registers).
_OUTCOME = re.compile(r"0x[0-9a-fA-F]+|[01][01 ]*")
_SCALARS = frozenset({str, int, float, bool, type(None)})
MAX_RESULT_DEPTH = 32
"""Deepest nesting of lists and objects accepted in a result (a statevector needs 3)."""


def check_result_document(data: Mapping[str, Any]) -> None:
    """Check that a result document is one whose ``Result`` cannot fail later.

    Checked: ``results`` is a list of experiment objects, each with a boolean ``success``,
    integer ``shots`` (or a ``[first, last]`` pair), a ``data`` object whose ``counts`` map
    outcomes (hexadecimal or bits) to non-negative integers and whose level-2 ``memory`` is
    a list of outcomes, a ``header`` object whose ``creg_sizes`` and ``memory_slots`` fit
    qiskit's formatters, and no nesting deeper than :data:`MAX_RESULT_DEPTH`. Per-shot
    memory is checked on its distinct values only (few, shared), to stay cheap on big results.

    Args:
        data: The decoded result document.

    Raises:
        ValueError: What is wrong, and where (``results[3].data.counts``).
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"the result is a {type(data).__name__}, not an object")
    results = data.get("results")
    if not isinstance(results, list):
        raise ValueError(f"'results' is {_kind(results)}, not a list of experiments")
    for index, experiment in enumerate(results):
        _check_experiment(f"results[{index}]", experiment)
    for key, value in data.items():
        if key != "results":
            _check_depth(f"'{key}'", value, 1)


def _check_experiment(where: str, experiment: object) -> None:
    if not isinstance(experiment, Mapping):
        raise ValueError(f"{where} is {_kind(experiment)}, not an experiment object")
    if not isinstance(experiment.get("success"), bool):
        raise ValueError(f"{where}.success is {_kind(experiment.get('success'))}, not a boolean")
    shots = experiment.get("shots")
    if not (_is_count(shots) or _is_shot_range(shots)):
        raise ValueError(f"{where}.shots is {_kind(shots)}, not a number of shots")
    data = experiment.get("data")
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}.data is {_kind(data)}, not an object")
    header = experiment.get("header")
    if header is not None:
        _check_header(f"{where}.header", header)
    counts = data.get("counts")
    if counts is not None:
        if not isinstance(counts, Mapping):
            raise ValueError(f"{where}.data.counts is {_kind(counts)}, not an object")
        for outcome, count in counts.items():
            if not _OUTCOME.fullmatch(outcome) or not _is_count(count):
                raise ValueError(
                    f"{where}.data.counts has {outcome!r}: {count!r}; expected an outcome "
                    "(hexadecimal or bits) and a non-negative integer"
                )
    memory = data.get("memory")
    if memory is not None:
        if not isinstance(memory, list):
            raise ValueError(f"{where}.data.memory is {_kind(memory)}, not a list")
        if experiment.get("meas_level", 2) == 2:
            try:
                distinct = set(memory)  # the strings are shared: this is cheap
            except TypeError:
                raise ValueError(f"{where}.data.memory holds lists, not outcomes") from None
            for outcome in distinct:
                if not isinstance(outcome, str) or not _OUTCOME.fullmatch(outcome):
                    raise ValueError(
                        f"{where}.data.memory holds {outcome!r}, not an outcome (hexadecimal "
                        "or bits)"
                    )
        else:
            _check_depth(f"{where}.data.memory", memory, 3)
    for key, value in experiment.items():
        if key not in ("data", "header"):
            _check_depth(f"{where}.{key}", value, 2)
    for key, value in data.items():
        if key not in ("counts", "memory"):
            _check_depth(f"{where}.data.{key}", value, 3)


def _check_header(where: str, header: object) -> None:
    if not isinstance(header, Mapping):
        raise ValueError(f"{where} is {_kind(header)}, not an object")
    _check_depth(where, header, 2)
    slots = header.get("memory_slots")
    if slots is not None and not _is_count(slots):
        raise ValueError(f"{where}.memory_slots is {_kind(slots)}, not a non-negative integer")
    sizes = header.get("creg_sizes")
    if sizes is not None and not (
        isinstance(sizes, list)
        and all(
            isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and _is_count(pair[1])
            for pair in sizes
        )
    ):
        raise ValueError(f"{where}.creg_sizes is {sizes!r:.100}, not a list of [name, size]")


def _check_depth(where: str, value: object, depth: int) -> None:
    # Iterative, and lists of scalars (the big ones) are skipped at C speed. Scalars (most
    # values) are never stacked; JSON's dicts are told apart before the slower Mapping check.
    if type(value) in _SCALARS:
        return
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict) or (not isinstance(item, list) and isinstance(item, Mapping)):
            children: Any = item.values()
        elif isinstance(item, list):
            if set(map(type, item)) <= _SCALARS:
                continue
            children = item
        else:
            continue
        if level >= MAX_RESULT_DEPTH:
            raise ValueError(f"{where} is nested more than {MAX_RESULT_DEPTH} levels deep")
        stack.extend((child, level + 1) for child in children if type(child) not in _SCALARS)


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _is_shot_range(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(map(_is_count, value))


def _kind(value: object) -> str:
    if value is None:
        return "missing"
    return f"{type(value).__name__} {value!r:.60}"


def _complex(value: Any) -> Any:
    if isinstance(value, list | tuple) and len(value) == 2:
        return complex(value[0], value[1])
    return value


def decode_pulse_defaults(data: Mapping[str, Any]) -> Any:
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
    return _qiskit.defaults_from_dict(defaults)


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
