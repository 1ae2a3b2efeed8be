"""Decoding of backend configurations (``qiskit.providers.ibmq.utils.json_decoder``)."""

from __future__ import annotations

from typing import Any

import dateutil.parser

__all__ = ["decode_backend_configuration"]


def decode_backend_configuration(config: dict[str, Any]) -> None:
    """Decode a backend configuration document in place, as the original client did.

    ``online_date`` becomes a ``datetime`` and each ``u_channel_lo`` ``scale``, sent as
    ``[real, imag]``, a ``complex``.

    Args:
        config: A ``QasmBackendConfiguration`` or ``PulseBackendConfiguration`` document.

    Raises:
        ValueError: If ``online_date`` is not a date-time or a ``scale`` not a number pair.
        TypeError: If ``u_channel_lo`` is not a list of lists of mappings.
    """
    if isinstance(config.get("online_date"), str):
        config["online_date"] = dateutil.parser.isoparse(config["online_date"])
    for channel in config.get("u_channel_lo") or []:
        for lo in channel:
            lo["scale"] = _complex(lo["scale"])


def _complex(value: Any) -> complex:
    if isinstance(value, complex):
        return value
    if isinstance(value, list | tuple) and len(value) == 2:
        return complex(float(value[0]), float(value[1]))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return complex(value)
    raise ValueError(f"A u_channel_lo scale must be [real, imag], not {value!r}.")
