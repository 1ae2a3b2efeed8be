"""The one module that knows which qiskit line is installed, and what differs between them.

ibmqjob runs on qiskit 0.46 (the line of the original client), 1.x and 2.x. The rest of the
SDK asks this module, never ``qiskit.__version__``:

=============================  ==================================  ============================
                               qiskit 0.46 (``LEGACY``)            qiskit >= 1
=============================  ==================================  ============================
``IBMQBackend`` base           ``BackendV1``                       ``BackendV2`` with a
                                                                   ``Target`` from the
                                                                   configuration and properties
provider base                  ``ProviderV1``                      :class:`ProviderBase` below
configuration, properties,     qiskit's ``qiskit.providers.        the attribute-compatible
defaults, status, ``qobj()``   models`` and ``qiskit.qobj``        classes of ``ibmqjob/_models``
``job.circuits()``             qiskit's ``disassemble``            ``ibmqjob/_qobj.decode_circuits``
pulse schedules, calibrations  qiskit's ``assemble``               ``IBMQPulseNotAvailableError``
=============================  ==================================  ============================

Circuits are written as a Qobj by the project's encoder (``ibmqjob/_qobj.py``) on every line.
qiskit 1.x deprecated what 2.0 removed, so it takes the path of 2.x: nothing deprecated is used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import qiskit
from qiskit.providers import QiskitBackendNotFoundError

from ._qobjdecode import decode_circuits
from .exceptions import IBMQPulseNotAvailableError, pulse_unavailable_message

__all__ = [
    "LEGACY",
    "QISKIT_VERSION",
    "BackendBase",
    "BackendProperties",
    "BackendStatus",
    "MeasLevel",
    "MeasReturnType",
    "ProviderBase",
    "PulseBackendConfiguration",
    "PulseDefaults",
    "PulseQobj",
    "QasmBackendConfiguration",
    "QasmQobj",
    "assemble_pulse",
    "backend_status",
    "circuits_of_qobj",
    "configuration_from_dict",
    "defaults_from_dict",
    "is_pulse_experiment",
    "is_qobj",
    "needs_pulse",
    "properties_from_dict",
    "qobj_from_dict",
    "retired_configuration",
]

QISKIT_VERSION: str = qiskit.__version__
LEGACY: bool = int(QISKIT_VERSION.split(".")[0]) < 1
"""``True`` on qiskit 0.46: qiskit's own BackendV1, models and Qobj classes are used."""


class _Provider:
    """What ``ProviderV1`` gave a provider on qiskit 0.46: ``get_backend`` over ``backends``."""

    def backends(self, name: str | None = None, **kwargs: Any) -> list[Any]:
        """Return the backends matching the filters."""
        raise NotImplementedError

    def get_backend(self, name: str | None = None, **kwargs: Any) -> Any:
        """Return the one backend matching the filters.

        Raises:
            QiskitBackendNotFoundError: If no backend, or more than one, matches.
        """
        backends = self.backends(name, **kwargs)
        if len(backends) > 1:
            raise QiskitBackendNotFoundError("More than one backend matches the criteria")
        if not backends:
            raise QiskitBackendNotFoundError("No backend matches the criteria")
        return backends[0]


if LEGACY:
    from qiskit.assembler import disassemble
    from qiskit.compiler import assemble
    from qiskit.providers import BackendV1 as BackendBase
    from qiskit.providers import ProviderV1 as ProviderBase
    from qiskit.providers.models import (
        BackendProperties,
        BackendStatus,
        PulseBackendConfiguration,
        PulseDefaults,
        QasmBackendConfiguration,
    )
    from qiskit.pulse import Schedule, ScheduleBlock
    from qiskit.qobj import PulseQobj, QasmQobj
    from qiskit.qobj.utils import MeasLevel, MeasReturnType

    _PULSE_TYPES: tuple[type, ...] = (Schedule, ScheduleBlock)
    _QOBJ_TYPES: tuple[type, ...] = (QasmQobj, PulseQobj)

    def configuration_from_dict(data: Mapping[str, Any]) -> Any:
        """Build the configuration object of a (decoded) configuration document."""
        kind = PulseBackendConfiguration if data.get("open_pulse") else QasmBackendConfiguration
        return kind.from_dict(data)

    def properties_from_dict(data: Mapping[str, Any]) -> Any:
        """Build ``BackendProperties`` from a document whose dates are datetimes."""
        return BackendProperties.from_dict(data)

    def defaults_from_dict(data: Mapping[str, Any]) -> Any:
        """Build ``PulseDefaults`` from a document whose complex numbers are decoded."""
        return PulseDefaults.from_dict(data)

    def qobj_from_dict(data: Mapping[str, Any]) -> Any:
        """Build the Qobj object of a document (``PULSE``: complex numbers decoded).

        qiskit's ``from_dict`` takes the document apart: callers pass one of their own.
        """
        return (PulseQobj if data.get("type") == "PULSE" else QasmQobj).from_dict(data)

    def circuits_of_qobj(qobj: Any) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
        """Return the circuits (or schedules), run options and header of a Qobj object."""
        circuits, run_config, header = disassemble(qobj)
        return list(circuits or []), dict(run_config), dict(header)

    def assemble_pulse(experiments: Any, backend: Any, config: Mapping[str, Any]) -> Any:
        """Assemble pulse schedules, or circuits with pulse calibrations, with qiskit."""
        return assemble(experiments, backend, **config)

    def has_calibrations(circuit: Any) -> bool:
        """Whether a circuit carries pulse gate calibrations."""
        return bool(getattr(circuit, "calibrations", None))

    def circuit_unit(circuit: Any) -> str:
        """The time unit of a circuit (``dt`` for circuits that can be written as a Qobj)."""
        return str(circuit.unit)

else:
    from . import _models
    from ._models import (
        BackendProperties,
        BackendStatus,
        MeasLevel,
        MeasReturnType,
        PulseBackendConfiguration,
        PulseDefaults,
        PulseQobj,
        QasmBackendConfiguration,
        QasmQobj,
    )
    from ._target import BackendV2Base as BackendBase

    ProviderBase = _Provider

    _PULSE_TYPES = ()
    _QOBJ_TYPES = (_models.QasmQobj,)

    def configuration_from_dict(data: Mapping[str, Any]) -> Any:
        """Build the configuration object of a (decoded) configuration document."""
        return _models.configuration_from_dict(data)

    def properties_from_dict(data: Mapping[str, Any]) -> Any:
        """Build ``BackendProperties`` from a document whose dates are datetimes."""
        return _models.BackendProperties.from_dict(data)

    def defaults_from_dict(data: Mapping[str, Any]) -> Any:
        """Build ``PulseDefaults`` (data only: no schedules) from its decoded document."""
        return _models.PulseDefaults.from_dict(data)

    def qobj_from_dict(data: Mapping[str, Any]) -> Any:
        """Build the Qobj object of a document (a pulse one as data)."""
        return _models.qobj_from_dict(data)

    def circuits_of_qobj(qobj: Any) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
        """Return the circuits, run options and header of a Qobj object.

        Raises:
            IBMQPulseNotAvailableError: For a pulse Qobj.
        """
        if getattr(qobj, "type", "QASM") == "PULSE":
            raise IBMQPulseNotAvailableError(pulse_unavailable_message("Pulse schedules"))
        document = qobj.to_dict()
        run_config = dict(document.get("config", {}))
        for key in ("qubit_lo_freq", "meas_lo_freq"):
            if run_config.get(key):
                run_config[key] = [freq * 1e9 for freq in run_config[key]]
        return decode_circuits(document), run_config, dict(document.get("header", {}))

    def assemble_pulse(experiments: Any, backend: Any, config: Mapping[str, Any]) -> Any:
        """Refuse: pulse needs qiskit's pulse module.

        Raises:
            IBMQPulseNotAvailableError: Always.
        """
        raise IBMQPulseNotAvailableError(
            pulse_unavailable_message("Pulse schedules, schedule_los and pulse gate calibrations")
        )

    def has_calibrations(circuit: Any) -> bool:
        """Whether a circuit carries pulse gate calibrations (never, without pulse)."""
        return False

    def circuit_unit(circuit: Any) -> str:
        """The time unit of a circuit: delays carry their own unit since qiskit 1.3."""
        return "dt"


def is_qobj(value: object) -> bool:
    """Whether ``value`` is a Qobj object of this qiskit line."""
    return isinstance(value, _QOBJ_TYPES)


def is_pulse_experiment(value: object) -> bool:
    """Whether ``value`` is a pulse schedule (never, on a line without pulse)."""
    return bool(_PULSE_TYPES) and isinstance(value, _PULSE_TYPES)


def needs_pulse(experiments: Sequence[Any], run_config: Mapping[str, Any]) -> bool:
    """Whether running these experiments needs qiskit's pulse assembler."""
    return bool(run_config.get("schedule_los")) or any(
        is_pulse_experiment(item) or has_calibrations(item) for item in experiments
    )


def backend_status(**fields: Any) -> Any:
    """Build the ``BackendStatus`` of this line."""
    return BackendStatus(**fields)


def retired_configuration(backend_name: str) -> Any:
    """The configuration of a backend that jobs mention but the provider no longer offers."""
    return configuration_from_dict(
        {
            "backend_name": backend_name,
            "backend_version": "0.0.0",
            "n_qubits": 1,
            "basis_gates": [],
            "simulator": False,
            "local": False,
            "conditional": False,
            "open_pulse": False,
            "memory": False,
            "max_shots": 1,
            "gates": [{"name": "TODO", "parameters": [], "qasm_def": "TODO"}],
            "coupling_map": [[0, 1]],
        }
    )
