"""Strict JSON decoding of everything a client sends: bodies, filters, websocket messages.

Python's ``json`` accepts more than a server should keep: ``NaN`` and ``Infinity``,
numbers that overflow to infinity, integers no database column holds, and
``\\ud800``-style escapes of lone surrogates, which decode to strings that can
never be encoded as UTF-8 again (a job named so could be stored but never listed).
Deep nesting makes the decoder, or any recursive walk after it, run out of stack.
:func:`parse_json` refuses all of these with a :class:`MalformedJson` whose message
says what is wrong, so every route can answer a 400 with the envelope.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64
MAX_INT = (1 << 63) - 1


class MalformedJson(ValueError):
    """The text is not JSON the server accepts (the message says why)."""


def _refuse_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedJson(f"the number {text[:40]} is out of range")
    return value


def parse_json(data: bytes | str, *, max_depth: int = MAX_DEPTH, max_int: int | None = None) -> Any:
    """Decode JSON text (UTF-8 when bytes) and check what it holds.

    Args:
        data: the text (bytes: UTF-8, optionally with a byte order mark).
        max_depth: deepest nesting of arrays and objects allowed.
        max_int: largest magnitude of an integer (e.g. :data:`MAX_INT` for values that reach
            SQLite); None for any integer Python can read (up to 4,300 digits).

    Returns:
        The decoded value.

    Raises:
        MalformedJson: not UTF-8, not JSON, nested deeper than ``max_depth``, an integer
            beyond ``max_int``, a non-finite number, or a string or key with a lone surrogate.
    """
    try:
        # A leading byte order mark is allowed, as json.loads allows it in bytes.
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as err:
        raise MalformedJson(f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except MalformedJson:
        raise
    except json.JSONDecodeError as err:
        raise MalformedJson(f"not valid JSON ({err})") from None
    except RecursionError:
        raise MalformedJson(f"nested deeper than {max_depth} levels") from None
    except ValueError as err:
        # Integers of more than 4300 digits (int_max_str_digits).
        raise MalformedJson(f"not acceptable JSON ({err})") from None
    check_value(value, max_depth=max_depth, max_int=max_int)
    return value


def check_value(value: Any, *, max_depth: int = MAX_DEPTH, max_int: int | None = None) -> None:
    """Check decoded JSON without recursion: depth, integer range, encodable strings.

    Raises:
        MalformedJson: what is wrong, with the JSON path where it is.
    """
    stack: list[tuple[Any, int, str]] = [(value, 0, "$")]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, str):
            _check_text(node, path)
        elif isinstance(node, bool) or node is None or isinstance(node, float):
            continue
        elif isinstance(node, int):
            if max_int is not None and not -max_int - 1 <= node <= max_int:
                raise MalformedJson(f"the integer at {path} does not fit in 64 bits")
        elif isinstance(node, dict | list):
            if depth >= max_depth:
                raise MalformedJson(f"nested deeper than {max_depth} levels at {path}")
            if isinstance(node, dict):
                for key, item in node.items():
                    _check_text(key, path)
                    stack.append((item, depth + 1, f"{path}.{key[:40]}"))
            else:
                stack.extend((item, depth + 1, f"{path}[{i}]") for i, item in enumerate(node))


def _check_text(text: str, path: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = path.encode("utf-8", "backslashreplace").decode("ascii", "replace")
        raise MalformedJson(
            f"the string at {shown} holds a lone surrogate (not valid Unicode)"
        ) from None
