"""The LoopBack filter subset of the job listings.

``where``: equality on dotted paths (an array matches when it contains the
value); operators ``eq``, ``neq``, ``inq``, ``nin``, ``gt``, ``gte``, ``lt``,
``lte``, ``between``, ``regexp`` (JavaScript syntax, also ``/re/flags``),
``like``/``nlike`` (regular expressions too, as the Mongo connector does) and
``exists``; ``and``/``or`` lists, nested. An object condition holds operators only
(nested fields are dotted paths). Strings that are both date-times are
compared as instants, so ``...Z`` and ``...+00:00`` mix freely.

Regular expressions run on RE2 (``google-re2``): matching takes time linear in the
text whatever the pattern, so no filter can stall the server (catastrophic
backtracking such as ``^(a+)+$`` is impossible). RE2 has no backreferences and no
lookaround; a pattern using them is refused with a 400.

``order``: ``creationDate ASC`` or ``creationDate DESC`` (the default); ties are
broken by id in the same direction. ``limit`` (0 = none), ``skip`` and ``fields``
(projection) complete the filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import re2

from refserver.decoding import MAX_INT, MalformedJson, parse_json
from refserver.errors import INVALID_FILTER, ApiError
from refserver.timeutil import parse_instant

_MISSING = object()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ORDERS = {"creationdate asc": False, "creationdate desc": True}
# JavaScript flags as RE2 inline flags; g, u and y change nothing for a search.
_JS_FLAGS = {"i": "i", "m": "m", "s": "s", "g": "", "u": "", "y": ""}
_MAX_PATTERN = 1000


@dataclass(frozen=True)
class ListingFilter:
    """A parsed listing filter."""

    where: dict[str, Any]
    descending: bool = True
    limit: int | None = None
    skip: int = 0
    fields: dict[str, bool] | None = None


def invalid(message: str) -> ApiError:
    """The 400 error of a filter that cannot be used."""
    return ApiError(400, INVALID_FILTER, f"Invalid filter: {message}")


def parse_filter(text: str | None) -> ListingFilter:
    """Parse the ``filter`` query parameter.

    Raises:
        ApiError: 400 when the filter is not JSON or not a supported filter.
    """
    if text is None or text == "":
        return ListingFilter({})
    try:
        # Filter values may reach SQLite, whose integers have 64 bits.
        data = parse_json(text, max_int=MAX_INT)
    except MalformedJson as err:
        raise invalid(str(err)) from None
    if not isinstance(data, dict):
        raise invalid("expected a JSON object")
    unknown = sorted(set(data) - {"where", "order", "limit", "skip", "fields"})
    if unknown:
        raise invalid("unknown key(s) {}".format(", ".join(unknown)))
    where = data.get("where", {})
    if not isinstance(where, dict):
        raise invalid("`where` must be an object")
    _check_where(where)
    return ListingFilter(
        where,
        _order(data.get("order", "creationDate DESC")),
        _count(data, "limit") or None,
        _count(data, "skip"),
        _fields(data.get("fields")),
    )


def select(documents: list[dict[str, Any]], listing: ListingFilter) -> list[dict[str, Any]]:
    """Filter, order, page and project documents."""
    chosen = [doc for doc in documents if matches(doc, listing.where)]
    chosen.sort(key=_order_key, reverse=listing.descending)
    end = None if listing.limit is None else listing.skip + listing.limit
    return chosen[listing.skip : end]


def project(
    document: dict[str, Any], fields: dict[str, bool] | None, keep: set[str]
) -> dict[str, Any]:
    """Apply a ``fields`` projection, always keeping the keys in ``keep``."""
    if not fields:
        return document
    included = {key for key, on in fields.items() if on}
    if included:
        return {key: value for key, value in document.items() if key in included or key in keep}
    excluded = {key for key, on in fields.items() if not on} - keep
    return {key: value for key, value in document.items() if key not in excluded}


def matches(document: dict[str, Any], where: dict[str, Any]) -> bool:
    """Whether ``document`` satisfies the where clause."""
    for key, condition in where.items():
        if key == "and":
            if not all(matches(document, clause) for clause in condition):
                return False
        elif key == "or":
            if not any(matches(document, clause) for clause in condition):
                return False
        elif not _satisfies(_lookup(document, key), condition):
            return False
    return True


# -- SQL ------------------------------------------------------------------------------------

# Document fields that are columns of the ``jobs`` table holding the same string.
_TEXT_COLUMNS = {"id": "id", "status": "status", "backend.name": "backend"}
_MAX_SQL_VALUES = 500


@dataclass(frozen=True)
class SqlFilter:
    """What of a where clause SQLite can evaluate on the ``jobs`` columns.

    Attributes:
        clauses: SQL conditions, to be ANDed.
        params: values of their ``?`` placeholders.
        exact: the clauses select exactly the documents the where clause matches; when
            False they select a superset, which :func:`matches` must narrow down.
    """

    clauses: tuple[str, ...]
    params: tuple[Any, ...]
    exact: bool


def sql_filter(where: dict[str, Any]) -> SqlFilter:
    """Translate the conditions of ``where`` that SQLite can evaluate exactly.

    Conditions on ``id``, ``status`` and ``backend.name`` (``eq``, ``neq``, ``inq``,
    ``nin`` with strings that are not date-times) and on ``creationDate`` (``eq``,
    ``gt``, ``gte``, ``lt``, ``lte``, ``between`` with date-times, compared as instants
    through the ``creation_ms`` column), at the top level or inside ``and``, become SQL.
    Anything else (``or``, other fields, regular expressions...) is left to
    :func:`matches`; the SQL then selects a superset of the matching jobs.
    """
    clauses: list[str] = []
    params: list[Any] = []
    exact = _sql_where(where, clauses, params)
    return SqlFilter(tuple(clauses), tuple(params), exact)


def _sql_where(where: dict[str, Any], clauses: list[str], params: list[Any]) -> bool:
    exact = True
    for key, condition in where.items():
        if key == "and":
            for clause in condition:
                exact = _sql_where(clause, clauses, params) and exact
        elif key == "or":
            exact = False
        else:
            items = condition.items() if isinstance(condition, dict) else [("eq", condition)]
            for operator, argument in items:
                translated = _sql_condition(key, operator, argument)
                if translated is None:
                    exact = False
                else:
                    clauses.append(translated[0])
                    params.extend(translated[1])
    return exact


def _plain_text(value: Any) -> bool:
    # A string that is a date-time compares as an instant, which a column of text cannot.
    return isinstance(value, str) and parse_instant(value) is None


def _sql_condition(key: str, operator: str, argument: Any) -> tuple[str, list[Any]] | None:
    column = _TEXT_COLUMNS.get(key)
    if column is not None:
        if operator in ("eq", "neq") and _plain_text(argument):
            return f"{column} {'=' if operator == 'eq' else '!='} ?", [argument]
        if (
            operator in ("inq", "nin")
            and len(argument) <= _MAX_SQL_VALUES
            and all(_plain_text(value) for value in argument)
        ):
            if not argument:
                return ("0", []) if operator == "inq" else ("1", [])
            marks = ",".join("?" * len(argument))
            return f"{column} {'IN' if operator == 'inq' else 'NOT IN'} ({marks})", list(argument)
        return None
    if key != "creationDate":
        return None
    if operator == "between":
        low, high = (_micros(bound) for bound in argument)
        if low is None or high is None:
            return None
        return "creation_ms >= ? AND creation_ms <= ?", [-(-low // 1000), high // 1000]
    bound = _micros(argument)
    if bound is None:
        return None
    # Stored instants have whole milliseconds; the bound may have microseconds.
    if operator == "eq":
        return ("creation_ms = ?", [bound // 1000]) if bound % 1000 == 0 else ("0", [])
    if operator == "gte":
        return "creation_ms >= ?", [-(-bound // 1000)]
    if operator == "gt":
        return "creation_ms > ?", [bound // 1000]
    if operator == "lte":
        return "creation_ms <= ?", [bound // 1000]
    if operator == "lt":
        return "creation_ms < ?", [-(-bound // 1000)]
    return None


def _micros(value: Any) -> int | None:
    moment = parse_instant(value) if isinstance(value, str) else None
    if moment is None:
        return None
    return (moment - _EPOCH) // timedelta(microseconds=1)


# -- parsing ----------------------------------------------------------------------------------


def _check_where(where: dict[str, Any]) -> None:
    for key, condition in where.items():
        if key in ("and", "or"):
            if not isinstance(condition, list) or not all(isinstance(c, dict) for c in condition):
                raise invalid(f"`{key}` must be a list of objects")
            for clause in condition:
                _check_where(clause)
        elif isinstance(condition, dict):
            # An object is a set of operators; nested fields are written as dotted paths.
            if not condition:
                raise invalid(f"empty condition on {key!r}")
            for operator, argument in condition.items():
                _check_operator(key, operator, argument)


def _check_operator(key: str, operator: str, argument: Any) -> None:
    if operator not in _OPERATORS:
        raise invalid(f"unsupported operator {operator!r} on {key!r}")
    if operator in ("inq", "nin") and not isinstance(argument, list):
        raise invalid(f"`{operator}` on {key!r} needs a list")
    if operator == "between" and (not isinstance(argument, list) or len(argument) != 2):
        raise invalid(f"`between` on {key!r} needs a list of two values")
    if operator in ("regexp", "like", "nlike"):
        _regex(argument)
    if operator == "exists" and not isinstance(argument, bool):
        raise invalid(f"`exists` on {key!r} needs a boolean")


def _order(value: Any) -> bool:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or " ".join(value.lower().split()) not in _ORDERS:
        raise invalid('`order` must be "creationDate ASC" or "creationDate DESC"')
    return _ORDERS[" ".join(value.lower().split())]


def _count(data: dict[str, Any], key: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(f"`{key}` must be a non-negative integer")
    return value


def _fields(value: Any) -> dict[str, bool] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, bool) for v in value.values()):
        raise invalid("`fields` must map field names to booleans")
    return dict(value)


@lru_cache(maxsize=256)
def _compile(source: str) -> re2._Regexp:
    options = re2.Options()
    options.log_errors = False  # a bad pattern is the client's error, answered with a 400
    return re2.compile(source, options)


def _regex(argument: Any) -> re2._Regexp:
    if not isinstance(argument, str) or len(argument) > _MAX_PATTERN:
        raise invalid(f"a regular expression must be a string of at most {_MAX_PATTERN} characters")
    source, flags = argument, ""
    literal = re.fullmatch(r"/(.*)/([a-z]*)", argument, re.DOTALL)
    if literal and all(flag in _JS_FLAGS for flag in literal.group(2)):
        source = literal.group(1)
        flags = "".join(sorted({_JS_FLAGS[flag] for flag in literal.group(2)}))
    # JavaScript writes named groups (?<name>...), RE2 (?P<name>...).
    source = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", source)
    if flags:
        source = f"(?{flags}){source}"
    try:
        return _compile(source)
    except (re2.error, TypeError, ValueError) as err:
        detail = err.args[0] if err.args else err
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise invalid(
            f"bad regular expression {argument!r} ({detail}; RE2 syntax:"
            " no backreferences or lookaround)"
        ) from None


# -- evaluation -------------------------------------------------------------------------------


def _lookup(document: Any, path: str) -> Any:
    node = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _satisfies(value: Any, condition: Any) -> bool:
    if isinstance(condition, dict):
        return all(_OPERATORS[op](value, argument) for op, argument in condition.items())
    return _equals(value, condition)


def _candidates(value: Any) -> list[Any]:
    if value is _MISSING:
        return []
    return value if isinstance(value, list) else [value]


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        a, b = parse_instant(left), parse_instant(right)
        if a is not None and b is not None:
            return a == b
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


def _equals(value: Any, expected: Any) -> bool:
    if expected is None:
        return value is _MISSING or value is None
    if isinstance(value, list) and not isinstance(expected, list):
        return any(_same(item, expected) for item in value)
    return value is not _MISSING and _same(value, expected)


def _compare(value: Any, bound: Any) -> int | None:
    if isinstance(value, bool) or isinstance(bound, bool):
        return None
    if isinstance(value, int | float) and isinstance(bound, int | float):
        return (value > bound) - (value < bound)
    if isinstance(value, str) and isinstance(bound, str):
        left: datetime | str | None = parse_instant(value)
        right: datetime | str | None = parse_instant(bound)
        if left is None or right is None:
            left, right = value, bound
        return (left > right) - (left < right)  # type: ignore[operator]
    return None


def _ordered(test: Callable[[int], bool]) -> Callable[[Any, Any], bool]:
    def check(value: Any, bound: Any) -> bool:
        return any((c := _compare(v, bound)) is not None and test(c) for v in _candidates(value))

    return check


def _between(value: Any, bounds: list[Any]) -> bool:
    for item in _candidates(value):
        low, high = _compare(item, bounds[0]), _compare(item, bounds[1])
        if low is not None and high is not None and low >= 0 and high <= 0:
            return True
    return False


def _inq(value: Any, options: list[Any]) -> bool:
    return any(_same(item, option) for item in _candidates(value) for option in options)


def _search(value: Any, pattern: Any) -> bool:
    compiled = _regex(pattern)
    return any(isinstance(item, str) and compiled.search(item) for item in _candidates(value))


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": _equals,
    "neq": lambda value, expected: not _equals(value, expected),
    "inq": _inq,
    "nin": lambda value, options: not _inq(value, options),
    "gt": _ordered(lambda c: c > 0),
    "gte": _ordered(lambda c: c >= 0),
    "lt": _ordered(lambda c: c < 0),
    "lte": _ordered(lambda c: c <= 0),
    "between": _between,
    "regexp": _search,
    "like": _search,
    "nlike": lambda value, pattern: not _search(value, pattern),
    "exists": lambda value, wanted: (value is not _MISSING) == wanted,
}


def _order_key(document: dict[str, Any]) -> tuple[float, str]:
    moment = parse_instant(document.get("creationDate", ""))
    return (moment.timestamp() if moment else 0.0, str(document.get("id", "")))
