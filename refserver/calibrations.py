"""Calibration history of the devices.

Each device starts with the calibration of its snapshot. A recalibration (on
demand, or when the newest one is older than the configured interval) stores a
new calibration drawn around the previous one, dated now. A job keeps the id of
the calibration in force when it ran: ``GET .../Jobs/{id}/properties`` returns
it and the job's noise model was built from it.
"""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC
from typing import Any

from refserver.devices import Device
from refserver.store import Store
from refserver.timeutil import format_instant, parse_instant, to_millis, utc_now

# Parameters that are probabilities (kept in [0, 0.5] when drawn again).
_PROBABILITIES = frozenset({"gate_error", "readout_error", "prob_meas0_prep1", "prob_meas1_prep0"})
# Parameters drawn again at each recalibration.
_DRIFTING = _PROBABILITIES | {"T1", "T2"}


class CalibrationBook:
    """Calibrations of every device, stored in the database.

    Args:
        store: the database.
        interval: seconds after which a device is recalibrated when a job runs; 0 for never.
    """

    def __init__(self, store: Store, interval: float = 0.0) -> None:
        self._store = store
        self._interval = interval
        self._lock = threading.Lock()

    def seed(self, device: Device) -> None:
        """Store the device's snapshot calibration if it has none yet."""
        if device.snapshot is None:
            return
        with self._lock:
            if self._store.latest_calibration(device.name) is None:
                self._add(device.name, device.snapshot)

    def current(self, device: Device) -> tuple[int, dict[str, Any]] | None:
        """The calibration in force now (recalibrating first when it is too old)."""
        if device.snapshot is None:
            return None
        with self._lock:
            latest = self._store.latest_calibration(device.name)
            if latest is None:
                return None
            properties = json.loads(latest[1])
            if self._interval > 0 and self._age(properties) > self._interval:
                return self._recalibrate(device.name, properties)
            return latest[0], properties

    def recalibrate(self, device: Device) -> tuple[int, dict[str, Any]]:
        """Store and return a new calibration of ``device``, dated now.

        Raises:
            ValueError: the device is a simulator.
        """
        if device.snapshot is None:
            raise ValueError(f"{device.name} has no calibration")
        with self._lock:
            latest = self._store.latest_calibration(device.name)
            base = json.loads(latest[1]) if latest else device.snapshot
            return self._recalibrate(device.name, base)

    def before(self, device: Device, moment_text: str) -> dict[str, Any] | None:
        """The newest calibration dated strictly before ``moment_text``.

        Raises:
            ValueError: ``moment_text`` is not a date-time.
        """
        moment = parse_instant(moment_text)
        if moment is None:
            raise ValueError(f"not a date-time: {moment_text!r}")
        found = self._store.latest_calibration(device.name, to_millis(moment))
        return None if found is None else dict(json.loads(found[1]))

    def get(self, calibration_id: int) -> dict[str, Any] | None:
        """A stored calibration, or None."""
        text = self._store.get_calibration(calibration_id)
        return None if text is None else dict(json.loads(text))

    def _add(self, backend: str, properties: dict[str, Any]) -> int:
        moment = parse_instant(properties["last_update_date"]) or utc_now()
        return self._store.add_calibration(backend, to_millis(moment), json.dumps(properties))

    def _recalibrate(self, backend: str, base: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        now = utc_now()
        properties = _drawn_again(base, format_instant(now), random.Random(to_millis(now)))
        return self._add(backend, properties), properties

    @staticmethod
    def _age(properties: dict[str, Any]) -> float:
        moment = parse_instant(properties.get("last_update_date", "")) or utc_now().replace(
            year=1970, tzinfo=UTC
        )
        return (utc_now() - moment).total_seconds()


def _drawn_again(base: dict[str, Any], date: str, rng: random.Random) -> dict[str, Any]:
    """A copy of ``base`` with drifting parameters moved by up to 10 % and every date set."""

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        copy = {key: visit(value) for key, value in node.items()}
        if "date" in copy:
            copy["date"] = date
        if copy.get("name") in _DRIFTING and isinstance(copy.get("value"), int | float):
            value = float(copy["value"]) * rng.uniform(0.9, 1.1)
            copy["value"] = min(value, 0.5) if copy["name"] in _PROBABILITIES else value
        return copy

    drawn: dict[str, Any] = visit(base)
    drawn["last_update_date"] = date
    return drawn
