"""The bodies that bypass the generated models: Qobj upload and downloaded documents.

Qobjs and results can be tens of megabytes: they are encoded and decoded with ``json``
directly (a model per item would cost more than the transfer and check nothing the SDK
relies on). Encoding follows the original client (numpy, complex numbers, bound parameters).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from qiskit.circuit import ParameterExpression

from ..exceptions import ApiIBMQProtocolError

__all__ = ["decode_json_object", "encode_qobj", "loads"]


def _shared_memory_strings(obj: dict[str, Any]) -> dict[str, Any]:
    # Per-shot memory holds few distinct strings ("0x0".."0xf") repeated shots x experiments
    # times; one shared object per value instead of one per shot divides memory by ~5.
    memory = obj.get("memory")
    if type(memory) is list and memory and type(memory[0]) is str:
        try:
            obj["memory"] = list(map(sys.intern, memory))
        except TypeError:
            pass
    return obj


def loads(content: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` that fails only with ``ValueError``, whatever the bytes.

    Nesting deeper than the interpreter's recursion limit makes the C decoder raise
    ``RecursionError``; here it is a ``ValueError`` like any other malformed document.

    Args:
        content: The JSON text.
        kwargs: Passed to ``json.loads``.

    Returns:
        The decoded value.

    Raises:
        ValueError: If the text is not JSON, is not UTF-8, or is nested too deeply.
    """
    try:
        return json.loads(content, **kwargs)
    except RecursionError:
        raise ValueError("the JSON document is nested too deeply") from None


def decode_json_object(content: bytes, what: str) -> dict[str, Any]:
    """Decode a downloaded JSON document that must be an object.

    Args:
        content: The raw bytes.
        what: What the document is, for messages.

    Returns:
        The decoded object.

    Raises:
        ApiIBMQProtocolError: If the bytes are not a JSON object.
    """
    try:
        body = loads(content, object_hook=_shared_memory_strings)
    except ValueError as err:
        raise ApiIBMQProtocolError(f"The {what} downloaded is not valid JSON: {err}") from err
    if not isinstance(body, dict):
        raise ApiIBMQProtocolError(f"The {what} downloaded is not a JSON object.")
    return body


def encode_qobj(qobj: Mapping[str, Any]) -> bytes:
    """Encode a Qobj dict as JSON the way the original client did.

    numpy arrays and scalars become lists and numbers, complex numbers ``[real, imag]``,
    bound parameter expressions numbers, and dict keys that are not JSON keys (such as
    ``Parameter`` objects in ``parameter_binds``) their ``str``.

    Args:
        qobj: The Qobj, as returned by ``to_dict()``.

    Returns:
        UTF-8 JSON.

    Raises:
        ValueError: If a value cannot be encoded (e.g. an unbound parameter).
    """
    try:
        try:
            text = json.dumps(qobj, default=_encode_value, separators=(",", ":"))
        except TypeError as err:
            if "keys must be" not in str(err):
                raise
            text = json.dumps(_str_keys(qobj), default=_encode_value, separators=(",", ":"))
    except (TypeError, ValueError) as err:
        raise ValueError(f"The Qobj cannot be encoded as JSON: {err}") from err
    return text.encode("utf-8")


def _encode_value(value: Any) -> Any:
    if isinstance(value, complex):
        return [value.real, value.imag]
    if isinstance(value, ParameterExpression):
        number = complex(value)  # TypeError when parameters are unbound
        return number.real if number.imag == 0 else [number.real, number.imag]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _str_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            key if isinstance(key, str | int | float | bool) or key is None else str(key): (
                _str_keys(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_str_keys(item) for item in value]
    return value
