"""The backends served: a noiseless simulator and fake devices with real calibrations.

* ``ibmq_qasm_simulator``: qiskit-aer's ``AerSimulator`` behind a configuration
  modelled on the IBM Quantum simulator of the same name (32 qubits).
* ``ibmq_manila`` and ``ibmq_lima``: the configuration, calibration and pulse
  defaults of the real 5-qubit devices as bundled with qiskit 0.46's fake
  backends (shipped in ``refserver/data/``, extracted by :mod:`refserver.snapshots`),
  simulated by ``AerSimulator`` with a noise model built from the calibration in
  force when a job runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

import qiskit_aer

from refserver.timeutil import format_instant, parse_instant

SIMULATOR_NAME = "ibmq_qasm_simulator"
# The devices whose snapshots are shipped in refserver/data/.
_FAKE_DEVICES = ("ibmq_manila", "ibmq_lima")
# Instructions that are not gates but may appear in any QASM experiment.
NON_GATE_INSTRUCTIONS = frozenset({"measure", "barrier"})
_SIMULATOR_GATES = {
    # name: parameter names (as in the IBM Quantum simulator's configuration)
    "u1": ["lambda"],
    "u2": ["phi", "lambda"],
    "u3": ["theta", "phi", "lambda"],
    "u": ["theta", "phi", "lambda"],
    "p": ["lambda"],
    "r": ["theta", "phi"],
    "rx": ["theta"],
    "ry": ["theta"],
    "rz": ["phi"],
    "id": [],
    "x": [],
    "y": [],
    "z": [],
    "h": [],
    "s": [],
    "sdg": [],
    "sx": [],
    "sxdg": [],
    "t": [],
    "tdg": [],
    "swap": [],
    "cx": [],
    "cy": [],
    "cz": [],
    "csx": [],
    "cp": ["lambda"],
    "cu": ["theta", "phi", "lambda", "gamma"],
    "cu1": ["lambda"],
    "cu3": ["theta", "phi", "lambda"],
    "crx": ["theta"],
    "cry": ["theta"],
    "crz": ["theta"],
    "rxx": ["theta"],
    "ryy": ["theta"],
    "rzz": ["theta"],
    "rzx": ["theta"],
    "ecr": [],
    "ccx": [],
    "ccz": [],
    "cswap": [],
    "mcx": [],
    "mcp": ["lambda"],
    "mcu1": ["lambda"],
    "unitary": ["matrix"],
    "initialize": ["vector"],
    "reset": [],
    "delay": ["duration"],
}


def backend_id(name: str) -> str:
    """A stable 24-hex-digit id of a backend name."""
    return hashlib.sha256(("backend:" + name).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Device:
    """A backend: its configuration, pulse defaults and calibration snapshot."""

    name: str
    configuration: dict[str, Any]
    defaults: dict[str, Any]
    snapshot: dict[str, Any] | None

    @property
    def id(self) -> str:
        """The backend id of job documents."""
        return backend_id(self.name)

    @property
    def version(self) -> str:
        """The backend version."""
        return str(self.configuration["backend_version"])

    @property
    def is_simulator(self) -> bool:
        """Whether the backend is a simulator (no calibration, no noise)."""
        return bool(self.configuration.get("simulator"))

    @property
    def n_qubits(self) -> int:
        """Number of qubits."""
        return int(self.configuration["n_qubits"])

    @cached_property
    def instructions(self) -> frozenset[str]:
        """Instruction names a QASM experiment may use on this backend."""
        names = set(self.configuration["basis_gates"]) | NON_GATE_INSTRUCTIONS
        if "delay" in self.configuration.get("supported_instructions", []):
            names.add("delay")
        return frozenset(names)

    @cached_property
    def coupling(self) -> frozenset[tuple[int, int]] | None:
        """Directed qubit pairs of two-qubit gates, or None when all pairs are coupled."""
        pairs = self.configuration.get("coupling_map")
        if not pairs:
            return None
        return frozenset((int(a), int(b)) for a, b in pairs)


class DeviceCatalog:
    """The backends of the server, by name."""

    def __init__(self) -> None:
        devices = [_simulator()] + [_fake_device(name) for name in _FAKE_DEVICES]
        self._devices = {device.name: device for device in devices}

    def get(self, name: str) -> Device | None:
        """The backend ``name``, or None."""
        return self._devices.get(name)

    def all(self) -> list[Device]:
        """Every backend, simulator first."""
        return list(self._devices.values())


def _simulator() -> Device:
    gates = [
        {"name": name, "parameters": params, "qasm_def": f"gate {name}", "coupling_map": None}
        for name, params in _SIMULATOR_GATES.items()
        if name not in ("reset", "delay", "initialize")
    ]
    configuration = {
        "backend_name": SIMULATOR_NAME,
        "backend_version": qiskit_aer.__version__,
        "n_qubits": 32,
        "basis_gates": list(_SIMULATOR_GATES),
        "gates": gates,
        "local": False,
        "simulator": True,
        "conditional": True,
        "open_pulse": False,
        "memory": True,
        "max_shots": 100000,
        "max_experiments": 300,
        "coupling_map": None,
        "description": "Noiseless simulator of quantum circuits (qiskit-aer AerSimulator)",
        "online_date": "2019-05-02T04:00:00Z",
        "credits_required": False,
        "n_registers": 1,
        "conditional_latency": [],
        "acquisition_latency": [],
        "allow_q_object": True,
        "allow_object_storage": True,
        "input_allowed": ["job"],
        "sample_name": "aer",
        "url": "None",
    }
    return Device(SIMULATOR_NAME, configuration, {}, None)


def _fake_device(name: str) -> Device:
    folder = resources.files("refserver").joinpath("data")

    def load(kind: str) -> dict[str, Any]:
        text = folder.joinpath(f"{name}.{kind}.json").read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(text)
        return data

    configuration = load("configuration")
    snapshot = _dates_in_utc(load("properties"))
    return Device(name, configuration, load("defaults"), snapshot)


def _dates_in_utc(node: Any) -> Any:
    # The original client replaces (rather than converts) time zones, so every date
    # it reads must already be UTC.
    if isinstance(node, dict):
        return {
            key: _utc_text(value) if key in ("date", "last_update_date") else _dates_in_utc(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_dates_in_utc(item) for item in node]
    return node


def _utc_text(value: Any) -> Any:
    moment = parse_instant(value) if isinstance(value, str) else None
    return value if moment is None else format_instant(moment)
