"""The bodies that bypass the generated models: Qobj upload and downloaded documents.

Qobjs and results can be tens of megabytes: they are encoded and decoded with ``json``
directly (a model per item would cost more than the transfer and check nothing the SDK
relies on). Encoding follows the original client (numpy, complex numbers, bound parameters).

A result's per-shot memory (millions of tiny strings in a big result) is cut out of the bytes
before ``json`` sees them. Where its items have one width, the result decoder keeps it as a
:class:`MemoryColumn`, one byte per shot, checked against the bytes when the result arrives
and made into the list only when read (``ibmqjob._decode.LazyMemoryData``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from qiskit.circuit import ParameterExpression

from ..exceptions import ApiIBMQProtocolError

__all__ = ["MemoryColumn", "decode_json_object", "decode_result_object", "encode_qobj", "loads"]


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
# per-shot memory of measurement level 2. Such lists are cut out of the bytes and decoded
# apart, each distinct item decoded once: items of one width by one column of their bytes
# (a MemoryColumn), others by splitting on commas.
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


_T = TypeVar("_T")


class MemoryColumn:
    """The per-shot memory of one experiment, checked and held compactly until it is read.

    One byte per shot (``keys``) and, for each byte value used, the string it stands for
    (every distinct item of the list, decoded from JSON once). The bytes were checked against
    the list they were cut from, so the column is exactly that list: :meth:`tolist` makes it
    and cannot fail. Immutable; the strings are shared between columns of a document.
    """

    __slots__ = ("_distinct", "_keys", "_strings")

    def __init__(self, keys: bytes, strings: Mapping[int, str]) -> None:
        """Create a column.

        Args:
            keys: One byte per shot.
            strings: The string of each byte value that ``keys`` holds (others are ignored).

        Raises:
            KeyError: If a byte of ``keys`` has no string.
        """
        if _stray_byte(keys, strings) is not None:
            raise KeyError("a byte of the column has no string")
        present = [key for key in sorted(strings) if key in keys]
        table: list[str | None] = [None] * 256
        for key in present:
            table[key] = strings[key]
        self._keys = keys
        self._strings = table
        self._distinct = tuple(strings[key] for key in present)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"MemoryColumn({len(self._keys)} shots of {list(self._distinct)!r:.80})"

    def __reduce__(self) -> tuple[Any, ...]:
        strings = {key: value for key, value in enumerate(self._strings) if value is not None}
        return (MemoryColumn, (self._keys, strings))

    def distinct(self) -> tuple[str, ...]:
        """The distinct values of the column (each appears at least once)."""
        return self._distinct

    def tolist(self) -> list[str]:
        """The list of the values, one per shot (the strings are shared, not copied)."""
        strings = self._strings
        return [strings[key] for key in self._keys]  # type: ignore[misc]  # keys all known

    def mapped(self, table: Mapping[str, _T]) -> list[_T]:
        """``[table[value] for value in self.tolist()]`` without making that list.

        Args:
            table: A value for each of :meth:`distinct` (at least).

        Raises:
            KeyError: If ``table`` lacks a value of the column.
        """
        by_key: list[Any] = [None] * 256
        for key, value in enumerate(self._strings):
            if value is not None:
                by_key[key] = table[value]
        return [by_key[key] for key in self._keys]


def _distinct_bytes(data: bytes) -> set[int]:
    """The distinct byte values of ``data``: a sample's, then each byte the sample missed."""
    found = set(data[:128])
    while True:
        stray = _stray_byte(data, found)
        if stray is None:
            return found
        found.add(stray)


def _stray_byte(data: bytes, known: Iterable[int]) -> int | None:
    """A byte of ``data`` that is not in ``known``, ``None`` if there is none."""
    table = bytearray(b"\x01") * 256
    for value in known:
        table[value] = 0
    at = data.translate(table).find(1)
    return None if at < 0 else data[at]


def _fixed_width_list(
    content: bytes,
    begin: int,
    end: int,
    width: int,
    separator: bytes,
    shared: dict[bytes, str],
    columns: dict[int, int],
) -> MemoryColumn | None:
    """Decode a list whose items all have ``width`` bytes, with no object made per item.

    The list's items are ``content[begin:end]`` (read in place, not copied). One column of
    the items' bytes tells the distinct items apart: the one that did for the last list of
    this width (``columns``), else the one with the most distinct values among the first
    items. ``None`` when the items are not told apart that way, or one is not a plain JSON
    string.
    """
    known = columns.get(width)
    if known is not None:
        found = _keyed_list(content, begin, end, width, separator, shared, known)
        if found is not None:
            return found
    stride = width + len(separator)
    sample = min(end, begin + stride * 256)
    best = max(range(width), key=lambda c: len(set(content[begin + c : sample : stride])))
    if best == known:
        return None
    columns[width] = best
    return _keyed_list(content, begin, end, width, separator, shared, best)


def _keyed_list(
    content: bytes,
    begin: int,
    end: int,
    width: int,
    separator: bytes,
    shared: dict[bytes, str],
    column: int,
) -> MemoryColumn | None:
    """The list ``content[begin:end]`` as a column keyed by the items' bytes at ``column``.

    Each distinct key's item is taken where the key first occurs; the list these items
    would write is then made (a template of the items' constant bytes, the varying columns
    written in by strides) and compared with the list's bytes, so the column returned is
    exactly the items of the list. ``None`` if it is not.
    """
    stride = width + len(separator)
    count = (end - begin + len(separator)) // stride
    keys = content[begin + column : end : stride]
    tokens: dict[int, bytes] = {}
    for key in _distinct_bytes(keys):
        at = begin + keys.index(key) * stride
        tokens[key] = content[at : at + width]
    first = next(iter(tokens.values()))
    expected = bytearray((first + separator) * count)
    for other in range(width):
        if other == column:
            expected[other::stride] = keys
        elif any(token[other] != first[other] for token in tokens.values()):
            table = bytearray(256)
            for key, token in tokens.items():
                table[key] = token[other]
            expected[other::stride] = keys.translate(table)
    del expected[len(expected) - len(separator) :]
    if len(expected) != end - begin or not content.startswith(expected, begin):
        return None
    strings: dict[int, str] = {}
    for key, token in tokens.items():
        value = shared.get(token) or _plain_string(token)
        if value is None:
            return None
        shared[token] = strings[key] = value
    return MemoryColumn(keys, strings)


def _memory_list(
    content: bytes, begin: int, end: int, shared: dict[bytes, str], columns: dict[int, int]
) -> list[str] | MemoryColumn | None:
    """Decode the inside of a JSON list of plain strings, ``None`` if it is not one.

    Items of one width (``"0x3"``: the usual memory of up to 4 classical bits) are told apart
    by one column of their bytes, with no object made per item: a :class:`MemoryColumn`.
    Other lists are split on commas.

    Args:
        content: The document.
        begin: Where the list's items start (after ``[``).
        end: Where they end (at ``]``).
        shared: Raw item to its string, shared across the lists of a document.
        columns: The key column of the last fixed-width list of each width.
    """
    comma = content.find(b",", begin, end)
    width = comma - begin
    separator = b","
    if comma > begin and content[comma + 1 : comma + 2] == b" ":
        separator = b", "
    stride = width + len(separator)
    if width > 2 and (end - begin + len(separator)) % stride == 0:
        column = _fixed_width_list(content, begin, end, width, separator, shared, columns)
        if column is not None:
            return column
    items = content[begin:end].split(b",")
    maybe: list[str | None] = list(map(shared.get, items))
    if None not in maybe:
        return maybe  # type: ignore[return-value]  # no None left
    for item in set(items).difference(shared):  # items not seen before: check and decode
        value = _plain_string(item)
        if value is None:
            return None
        shared[item] = value
    return list(map(shared.__getitem__, items))


def _decode_with_memory_cut_out(content: bytes, columns: bool) -> Any:
    """``loads(content)``, faster on big results: the same value, memory lists with one
    string object per distinct value.

    Each memory list of plain strings is replaced in the bytes by a placeholder string and
    decoded apart (each distinct item decoded once); the placeholders are put back by an
    object hook. When anything does not add up (a placeholder-like string in the document, a
    list cut where the key was not ``memory``), the document is decoded plainly.

    Args:
        content: The JSON text.
        columns: Leave the lists of fixed-width items found at ``results[i].data.memory`` as
            :class:`MemoryColumn` (every other list is a list).
    """
    if len(content) < _SMALL:
        return loads(content, object_hook=_shared_memory_strings)
    lists: list[list[str] | MemoryColumn] = []
    shared: dict[bytes, str] = {}
    key_columns: dict[int, int] = {}
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
        values = _memory_list(content, start + 1, close, shared, key_columns)
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
    rest = b"".join(pieces)
    # A list cut out holds no backslash, so no placeholder: the rest holds ours and no other.
    if rest.count(_PLACEHOLDER_BYTES) != len(lists):
        return loads(content, object_hook=_shared_memory_strings)
    restored: list[dict[str, Any]] = []

    def restore(obj: dict[str, Any]) -> dict[str, Any]:
        memory = obj.get("memory")
        if type(memory) is str and memory.startswith(_PLACEHOLDER):
            obj["memory"] = lists[int(memory[len(_PLACEHOLDER) :])]
            restored.append(obj)
            return obj
        return _shared_memory_strings(obj)

    body = loads(rest, object_hook=restore)
    if len(restored) != len(lists):
        return loads(content, object_hook=_shared_memory_strings)
    # A column stays a column only where a result's per-shot memory is.
    kept = _experiment_data_ids(body) if columns else set()
    for obj in restored:
        memory = obj["memory"]
        if isinstance(memory, MemoryColumn) and id(obj) not in kept:
            obj["memory"] = memory.tolist()
    return body


def _experiment_data_ids(body: Any) -> set[int]:
    """The ids of the ``results[i].data`` objects of a result document."""
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        return set()
    return {
        id(experiment["data"])
        for experiment in results
        if isinstance(experiment, dict) and isinstance(experiment.get("data"), dict)
    }


def decode_json_object(content: bytes, what: str) -> dict[str, Any]:
    """Decode a downloaded JSON document that must be an object.

    Args:
        content: The raw bytes.
        what: What the document is, for messages.

    Returns:
        The decoded object, plain JSON values only.

    Raises:
        ApiIBMQProtocolError: If the bytes are not a JSON object.
    """
    return _decode_object(content, what, columns=False)


def decode_result_object(content: bytes) -> dict[str, Any]:
    """Decode a downloaded result document, leaving per-shot memory compact until read.

    The same as :func:`decode_json_object` (the same checks, the same errors, at the same
    time) except that ``results[i].data.memory`` is a :class:`MemoryColumn` where its items
    all have one width (the usual level-2 memory): checked, but no list made. Every other
    value is plain JSON.

    Args:
        content: The raw bytes.

    Returns:
        The decoded object.

    Raises:
        ApiIBMQProtocolError: If the bytes are not a JSON object.
    """
    return _decode_object(content, "result", columns=True)


def _decode_object(content: bytes, what: str, *, columns: bool) -> dict[str, Any]:
    try:
        body = _decode_with_memory_cut_out(content, columns)
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
