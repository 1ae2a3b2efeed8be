"""``IQXJsonEncoder``: the JSON encoder of Qobjs (``qiskit.providers.ibmq.utils.json_encoder``)."""

from __future__ import annotations

import json
from typing import Any

from qiskit.circuit.parameterexpression import ParameterExpression

__all__ = ["IQXJsonEncoder"]


class IQXJsonEncoder(json.JSONEncoder):
    """A JSON encoder for Qobjs and their configuration.

    Beyond the standard types it writes numpy arrays and scalars as lists and numbers,
    complex numbers as ``[real, imag]`` (the Qobj format), bound parameter expressions as
    numbers, and dictionary keys that JSON does not allow (such as ``Parameter`` objects)
    as their string form.
    """

    def iterencode(self, o: Any, _one_shot: bool = False) -> Any:
        """Encode ``o`` piece by piece (``json.dumps`` and ``json.dump`` both come here)."""
        return super().iterencode(_with_json_keys(o), _one_shot)

    def default(self, o: Any) -> Any:
        """Encode the values the standard encoder does not know."""
        if hasattr(o, "tolist"):
            return o.tolist()
        if isinstance(o, complex):
            return [o.real, o.imag]
        if isinstance(o, ParameterExpression):
            try:
                return float(o)
            except (TypeError, RuntimeError):
                value = complex(o)
                return [value.real, value.imag]
        return super().default(o)


def _with_json_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            (key if key is None or isinstance(key, bool | int | float | str) else str(key)): (
                _with_json_keys(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_with_json_keys(item) for item in value]
    return value
