"""The bodies that bypass the generated models: Qobj upload and downloaded documents.

Qobjs and results can be tens of megabytes: they are encoded and decoded with ``json``
directly (a model per item would cost more than the transfer and check nothing the SDK
relies on). Encoding follows the original client (numpy, complex numbers, bound parameters).
"""

from __future__ import annotations

import json
import re
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


# A "memory" key whose value is a list of plain strings (no escape, comma or bracket inside):
# per-shot memory of measurement level 2. Such lists are cut out of the bytes and decoded by
# splitting on commas, each distinct item decoded once.
_MEMORY_KEY = b'"memory"'
_LIST_START = re.compile(rb'"memory"\s*:\s*\[')
_PLACEHOLDER = "\x00ibmqjob-memory:"
_PLACEHOLDER_BYTES = b'"\\u0000ibmqjob-memory:'
_SMALL = 1 << 16  # below this size the plain decoder is as fast


def _plain_string(item: bytes) -> str | None:
    """The string an item of a memory list encodes, ``None`` unless a plain JSON string."""
    text = item.strip()
    if len(text) < 2 or text[0] != 0x22 or text[-1] != 0x22 or text.count(b'"') != 2:
        return None
    if b"\\" in text or b"[" in text:
        return None
    value = json.loads(text)
    return sys.intern(value) if len(value) < 64 else value


def _fixed_width_list(
    chunk: bytes, width: int, separator: bytes, shared: dict[bytes, str]
) -> list[str] | None:
    """Decode a list whose items all have ``width`` bytes, with no object made per item.

    One column of the items' bytes tells the distinct items apart (the one with the most
    distinct values among the first items); every other column, and every separator, is then
    checked against what the items of those keys hold (``bytes.translate``), so the result
    is exactly the items of ``chunk``. ``None`` when the items are not told apart that way.
    """
    stride = width + len(separator)
    count = (len(chunk) + len(separator)) // stride
    sample = stride * 256
    column = max(range(width), key=lambda c: len(set(chunk[c : c + sample : stride])))
    keys = chunk[column::stride]
    tokens: dict[int, bytes] = {}
    for key in set(keys):
        at = keys.index(key) * stride
        tokens[key] = chunk[at : at + width]
    for other in range(stride):
        values = chunk[other::stride]
        if other >= width:
            if values != separator[other - width : other - width + 1] * (count - 1):
                return None
            continue
        table = bytearray(256)
        for key, token in tokens.items():
            table[key] = token[other]
        if values != keys.translate(table):
            return None
    strings: list[str | None] = [None] * 256
    for key, token in tokens.items():
        value = shared.get(token) or _plain_string(token)
        if value is None:
            return None
        shared[token] = strings[key] = value
    return list(map(strings.__getitem__, keys))  # type: ignore[arg-type]  # keys all seen


def _memory_list(chunk: bytes, shared: dict[bytes, str]) -> list[str] | None:
    """Decode the inside of a JSON list of plain strings, ``None`` if it is not one.

    Items of one width (``"0x3"``: the usual memory of up to 4 classical bits) are told apart
    by one column of their bytes, with no object made per item; the list is then checked by
    joining it back and comparing with ``chunk``. Other lists are split on commas.

    Args:
        chunk: The bytes between ``[`` and ``]``.
        shared: Raw item to its string, shared across the lists of a document.
    """
    width = chunk.find(b",")
    separator = b","
    if width > 0 and chunk[width + 1 : width + 2] == b" ":
        separator = b", "
    stride = width + len(separator)
    if width > 2 and (len(chunk) + len(separator)) % stride == 0:
        values = _fixed_width_list(chunk, width, separator, shared)
        if values is not None:
            return values
    items = chunk.split(b",")
    maybe: list[str | None] = list(map(shared.get, items))
    if None not in maybe:
        return maybe  # type: ignore[return-value]  # no None left
    for item in set(items).difference(shared):  # items not seen before: check and decode
        value = _plain_string(item)
        if value is None:
            return None
        shared[item] = value
    return list(map(shared.__getitem__, items))


def _decode_with_memory_cut_out(content: bytes) -> Any:
    """``loads(content)``, faster on big results: the same value, memory lists with one
    string object per distinct value.

    Each memory list of plain strings is replaced in the bytes by a placeholder string and
    decoded apart (split on commas, each distinct item decoded once); the placeholders are
    put back by an object hook. When anything does not add up (a placeholder-like string in
    the document, a list cut where the key was not ``memory``), the document is decoded
    plainly.
    """
    if len(content) < _SMALL or _PLACEHOLDER_BYTES in content:
        return loads(content, object_hook=_shared_memory_strings)
    lists: list[list[str]] = []
    shared: dict[bytes, str] = {}
    pieces: list[bytes] = []
    position = 0
    found = content.find(_MEMORY_KEY)
    while found >= 0:
        match = _LIST_START.match(content, found)
        close = -1 if match is None else content.find(b"]", match.end())
        if match is None or close < 0:
            found = content.find(_MEMORY_KEY, found + 1)
            continue
        start = match.end() - 1
        values = _memory_list(content[start + 1 : close], shared)
        if values is None:
            found = content.find(_MEMORY_KEY, found + 1)
            continue
        lists.append(values)
        pieces.append(content[position:start])
        pieces.append(b'"\\u0000ibmqjob-memory:%d"' % (len(lists) - 1))
        position = close + 1
        found = content.find(_MEMORY_KEY, position)
    if not lists:
        return loads(content, object_hook=_shared_memory_strings)
    pieces.append(content[position:])
    restored = 0

    def restore(obj: dict[str, Any]) -> dict[str, Any]:
        nonlocal restored
        memory = obj.get("memory")
        if type(memory) is str and memory.startswith(_PLACEHOLDER):
            obj["memory"] = lists[int(memory[len(_PLACEHOLDER) :])]
            restored += 1
            return obj
        return _shared_memory_strings(obj)

    body = loads(b"".join(pieces), object_hook=restore)
    if restored != len(lists):
        return loads(content, object_hook=_shared_memory_strings)
    return body


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
        body = _decode_with_memory_cut_out(content)
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
