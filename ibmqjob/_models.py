"""Value classes for the device and Qobj documents where qiskit no longer has its own.

qiskit 1.0 deprecated and qiskit 2.0 removed ``qiskit.providers.models`` and ``qiskit.qobj``
(``BackendProperties``, ``QasmBackendConfiguration``, ``PulseDefaults``, ``QasmQobj``...).
On those lines ``ibmqjob/_qiskit.py`` hands out the classes below instead: they have the
attributes of qiskit 0.46's (units converted the same way: ``dt`` in seconds, LO ranges and
frequency estimates in Hz, repetition delays in seconds), ``from_dict``/``to_dict`` that
round-trip the wire documents, and the accessors people use (``gate_error``, ``t1``,
``readout_error``, ``num_qubits``...). They hold data only: nothing here talks to a server.

Pulse is gone in qiskit 2: the pulse helpers of 0.46 (``instruction_schedule_map``,
``drive()``...) raise :class:`~ibmqjob.exceptions.IBMQPulseNotAvailableError`; the pulse
defaults document stays readable as data.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from enum import IntEnum, StrEnum
from typing import Any, ClassVar, Self

from .exceptions import IBMQPulseNotAvailableError, pulse_unavailable_message

__all__ = [
    "BackendProperties",
    "BackendStatus",
    "GateConfig",
    "GateProperties",
    "MeasLevel",
    "MeasReturnType",
    "Nduv",
    "PulseBackendConfiguration",
    "PulseDefaults",
    "PulseQobj",
    "QasmBackendConfiguration",
    "QasmQobj",
    "configuration_from_dict",
    "qobj_from_dict",
]


class MeasLevel(IntEnum):
    """Measurement level (qiskit 0.46's ``qiskit.qobj.utils.MeasLevel``)."""

    RAW = 0
    KERNELED = 1
    CLASSIFIED = 2


class MeasReturnType(StrEnum):
    """Measurement return type (qiskit 0.46's ``qiskit.qobj.utils.MeasReturnType``)."""

    AVERAGE = "avg"
    SINGLE = "single"


class _Value:
    """A document as attributes. ``_nested`` names the fields holding documents of a class
    (or lists of them, at any depth); other values are kept as they are."""

    _nested: ClassVar[dict[str, type[_Value]]] = {}
    # (field, factor): the attribute is the document's value times the factor.
    _scaled: ClassVar[tuple[tuple[str, float], ...]] = ()
    # The fields a document must have (qiskit's classes required them too).
    _required: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **fields: Any) -> None:
        for key, value in fields.items():
            setattr(self, key, value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build the object from its document (not modified).

        Raises:
            TypeError: If a required field is missing or a nested field is not a document
                or a list of them.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"A {cls.__name__} document must be an object, not {data!r}.")
        missing = [key for key in cls._required if key not in data]
        if missing:
            raise TypeError(f"{cls.__name__} without {', '.join(missing)}.")
        fields: dict[str, Any] = {}
        for key, value in data.items():
            kind = cls._nested.get(key)
            fields[key] = copy.deepcopy(value) if kind is None else _build(kind, value)
        for key, factor in cls._scaled:
            if fields.get(key) is not None:
                fields[key] = _scale(fields[key], factor)
        return cls(**fields)

    def to_dict(self) -> dict[str, Any]:
        """Return the document of the object."""
        out = {key: _dump(value) for key, value in vars(self).items() if not key.startswith("_")}
        for key, factor in self._scaled:
            if out.get(key) is not None:
                out[key] = _scale(out[key], 1 / factor)
        return out

    def __getattr__(self, name: str) -> Any:
        # Only called for fields the document does not have: the fields are dynamic.
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}.")

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in vars(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{type(self).__name__}({fields})"


def _build(kind: type[_Value], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_build(kind, item) for item in value]
    return kind.from_dict(value)


def _dump(value: Any) -> Any:
    if isinstance(value, _Value):
        return value.to_dict()
    if isinstance(value, list):
        return [_dump(item) for item in value]
    return copy.deepcopy(value)


def _scale(value: Any, factor: float) -> Any:
    if isinstance(value, list):
        return [_scale(item, factor) for item in value]
    return value * factor


def _pulse_error(what: str) -> IBMQPulseNotAvailableError:
    return IBMQPulseNotAvailableError(pulse_unavailable_message(what))


# ------------------------------------------------------------------ configuration


class GateConfig(_Value):
    """A gate of a configuration (``name``, ``parameters``, ``qasm_def``, ``coupling_map``)."""

    _required = ("name", "parameters")


_RANGES = (
    ("dt", 1e-9),
    ("dtm", 1e-9),
    ("rep_times", 1e-6),
    ("rep_delay_range", 1e-6),
    ("default_rep_delay", 1e-6),
    ("qubit_lo_range", 1e9),
    ("meas_lo_range", 1e9),
)


class QasmBackendConfiguration(_Value):
    """The configuration of a backend (qiskit 0.46's ``QasmBackendConfiguration``)."""

    _nested: ClassVar[dict[str, type[_Value]]] = {"gates": GateConfig}
    _scaled = _RANGES
    _required: ClassVar[tuple[str, ...]] = (
        "backend_name",
        "backend_version",
        "n_qubits",
        "basis_gates",
        "gates",
        "local",
        "simulator",
        "conditional",
        "open_pulse",
        "memory",
        "max_shots",
    )

    backend_name: str
    backend_version: str
    n_qubits: int
    basis_gates: list[str]
    gates: list[GateConfig]
    simulator: bool
    coupling_map: list[list[int]] | None

    @property
    def num_qubits(self) -> int:
        """The number of qubits (``n_qubits``)."""
        return self.n_qubits


class UchannelLO(_Value):
    """A term of a control channel's frequency: qubit ``q``'s LO times complex ``scale``."""

    _required = ("q", "scale")

    q: int
    scale: complex


class PulseBackendConfiguration(QasmBackendConfiguration):
    """The configuration of a pulse backend; pulse channels need qiskit's pulse module."""

    _nested: ClassVar[dict[str, type[_Value]]] = {
        **QasmBackendConfiguration._nested,
        "u_channel_lo": UchannelLO,
    }
    _required = (
        *QasmBackendConfiguration._required,
        "n_uchannels",
        "u_channel_lo",
        "meas_levels",
        "qubit_lo_range",
        "meas_lo_range",
        "dt",
        "dtm",
        "rep_times",
    )

    def drive(self, qubit: int) -> Any:
        """Refuse: pulse channels need qiskit's pulse module."""
        raise _pulse_error("Drive channels")

    def measure(self, qubit: int) -> Any:
        """Refuse: pulse channels need qiskit's pulse module."""
        raise _pulse_error("Measure channels")

    def acquire(self, qubit: int) -> Any:
        """Refuse: pulse channels need qiskit's pulse module."""
        raise _pulse_error("Acquire channels")

    def control(self, qubits: Iterable[int] | None = None, channel: int | None = None) -> Any:
        """Refuse: pulse channels need qiskit's pulse module."""
        raise _pulse_error("Control channels")


def configuration_from_dict(data: Mapping[str, Any]) -> QasmBackendConfiguration:
    """The configuration class the document's ``open_pulse`` flag asks for."""
    if data.get("open_pulse"):
        return PulseBackendConfiguration.from_dict(data)
    return QasmBackendConfiguration.from_dict(data)


# ------------------------------------------------------------------ properties


class Nduv(_Value):
    """A measured value: ``name``, ``date``, ``unit``, ``value``."""

    _required = ("name", "date", "unit", "value")

    name: str
    date: dt.datetime
    unit: str
    value: Any


class GateProperties(_Value):
    """The properties of a gate on some qubits (qiskit 0.46's ``Gate`` of properties)."""

    _nested: ClassVar[dict[str, type[_Value]]] = {"parameters": Nduv}
    _required = ("gate", "qubits", "parameters")

    gate: str
    qubits: list[int]
    parameters: list[Nduv]


# SI prefixes as powers of ten.
_PREFIXES = {"p": -12, "n": -9, "u": -6, "µ": -6, "m": -3, "k": 3, "M": 6, "G": 9}


# Units whose first letter is not a prefix.
_UNPREFIXED = frozenset({"min", "dBm", "Hz", "s"})


def _si(value: Any, unit: str) -> Any:
    """A value in the unit's SI base (``ns`` -> seconds, ``GHz`` -> Hz), as qiskit did."""
    if len(unit) > 1 and unit not in _UNPREFIXED and unit[0] in _PREFIXES:
        power = _PREFIXES[unit[0]]
        # Divided by the power of ten for small units, as qiskit did: the same last digit.
        return value / 10 ** (-power) if power < 0 else value * 10**power
    return value


class BackendProperties(_Value):
    """The calibration of a device (qiskit 0.46's ``BackendProperties``).

    The accessors return values in SI units (seconds, Hz), as qiskit's did.
    """

    _nested: ClassVar[dict[str, type[_Value]]] = {
        "qubits": Nduv,
        "gates": GateProperties,
        "general": Nduv,
    }
    _required = ("backend_name", "backend_version", "last_update_date", "qubits", "gates")

    backend_name: str
    backend_version: str
    last_update_date: dt.datetime
    qubits: list[list[Nduv]]
    gates: list[GateProperties]
    general: list[Nduv]

    def gate_property(
        self, gate: str, qubits: int | Iterable[int] | None = None, name: str | None = None
    ) -> Any:
        """Return a property of a gate: ``(value, date)`` for ``name``, else all of them.

        Raises:
            KeyError: If the gate, qubits or property is unknown.
        """
        wanted = _qubit_tuple(qubits)
        found: dict[tuple[int, ...], dict[str, tuple[Any, dt.datetime]]] = {}
        for entry in self.gates:
            if entry.gate != gate:
                continue
            found[tuple(entry.qubits)] = {
                p.name: (_si(p.value, p.unit), p.date) for p in entry.parameters
            }
        if not found:
            raise KeyError(f"Couldn't find the property {name!r} for gate {gate}.")
        if wanted is None:
            return found
        values = found[wanted]
        return values if name is None else values[name]

    def gate_error(self, gate: str, qubits: int | Iterable[int]) -> Any:
        """Return the error of a gate on qubits."""
        return self.gate_property(gate, qubits, "gate_error")[0]

    def gate_length(self, gate: str, qubits: int | Iterable[int]) -> Any:
        """Return the duration of a gate on qubits, in seconds."""
        return self.gate_property(gate, qubits, "gate_length")[0]

    def qubit_property(self, qubit: int, name: str | None = None) -> Any:
        """Return a property of a qubit: ``(value, date)`` for ``name``, else all of them.

        Raises:
            KeyError: If the qubit or property is unknown.
        """
        values = {p.name: (_si(p.value, p.unit), p.date) for p in self.qubits[qubit]}
        return values if name is None else values[name]

    def t1(self, qubit: int) -> Any:
        """Return the T1 time of a qubit, in seconds."""
        return self.qubit_property(qubit, "T1")[0]

    def t2(self, qubit: int) -> Any:
        """Return the T2 time of a qubit, in seconds."""
        return self.qubit_property(qubit, "T2")[0]

    def frequency(self, qubit: int) -> Any:
        """Return the frequency of a qubit, in Hz."""
        return self.qubit_property(qubit, "frequency")[0]

    def readout_error(self, qubit: int) -> Any:
        """Return the readout error of a qubit."""
        return self.qubit_property(qubit, "readout_error")[0]

    def readout_length(self, qubit: int) -> Any:
        """Return the readout duration of a qubit, in seconds."""
        return self.qubit_property(qubit, "readout_length")[0]

    def is_qubit_operational(self, qubit: int) -> bool:
        """Return whether a qubit is operational (no ``operational`` entry: it is)."""
        values = self.qubit_property(qubit)
        return bool(values["operational"][0]) if "operational" in values else True


def _qubit_tuple(qubits: int | Iterable[int] | None) -> tuple[int, ...] | None:
    if qubits is None:
        return None
    if isinstance(qubits, int):
        return (qubits,)
    return tuple(qubits)


# ------------------------------------------------------------------ defaults and status


class PulseLibraryItem(_Value):
    """A named pulse of the library (``name``, ``samples``)."""


class Command(_Value):
    """A calibrated command (``name``, ``qubits``, ``sequence``)."""


class PulseDefaults(_Value):
    """The pulse defaults document of a device, as data.

    ``qubit_freq_est`` and ``meas_freq_est`` are in Hz, as in qiskit 0.46. What needs
    qiskit's pulse module (``instruction_schedule_map``) raises
    :class:`~ibmqjob.exceptions.IBMQPulseNotAvailableError`.
    """

    _nested: ClassVar[dict[str, type[_Value]]] = {
        "pulse_library": PulseLibraryItem,
        "cmd_def": Command,
    }
    _scaled = (("qubit_freq_est", 1e9), ("meas_freq_est", 1e9))
    _required = ("qubit_freq_est", "meas_freq_est", "buffer", "pulse_library", "cmd_def")

    @property
    def instruction_schedule_map(self) -> Any:
        """Refuse: schedules need qiskit's pulse module."""
        raise _pulse_error("The instruction schedule map of the pulse defaults")


class BackendStatus(_Value):
    """The status of a backend (qiskit 0.46's ``BackendStatus``)."""

    def __init__(
        self,
        backend_name: str,
        backend_version: str,
        operational: bool,
        pending_jobs: int,
        status_msg: str,
        **fields: Any,
    ) -> None:
        """Create the status."""
        super().__init__(
            backend_name=backend_name,
            backend_version=backend_version,
            operational=operational,
            pending_jobs=pending_jobs,
            status_msg=status_msg,
            **fields,
        )


# ------------------------------------------------------------------ Qobj


class QobjInstruction(_Value):
    """An instruction of a Qobj experiment."""


class QobjExperiment(_Value):
    """An experiment of a Qobj (``header``, ``config``, ``instructions``)."""

    _required = ("instructions",)

    _nested: ClassVar[dict[str, type[_Value]]] = {
        "header": _Value,
        "config": _Value,
        "instructions": QobjInstruction,
    }


class QobjConfig(_Value):
    """The configuration of a Qobj (run options; a pulse library for pulse Qobjs)."""

    _nested: ClassVar[dict[str, type[_Value]]] = {"pulse_library": PulseLibraryItem}


class QasmQobj(_Value):
    """A QASM Qobj (qiskit 0.46's ``QasmQobj``)."""

    _nested: ClassVar[dict[str, type[_Value]]] = {
        "header": _Value,
        "config": QobjConfig,
        "experiments": QobjExperiment,
    }
    _required = ("qobj_id", "type", "config", "experiments")

    qobj_id: str
    type: str
    experiments: list[QobjExperiment]


class PulseQobj(QasmQobj):
    """A pulse Qobj, as data (schedules need qiskit's pulse module)."""


def qobj_from_dict(data: Mapping[str, Any]) -> QasmQobj:
    """The Qobj class the document's ``type`` asks for."""
    return (PulseQobj if data.get("type") == "PULSE" else QasmQobj).from_dict(data)
