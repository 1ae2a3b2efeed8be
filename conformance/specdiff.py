"""What changed between two versions of ``spec/openapi.yaml``, and whether it breaks clients.

:func:`diff_specs` compares two OpenAPI 3.0 documents operation by operation (matched on
method and path template, parameter names ignored, as oasdiff does; an ``operationId`` that
changes path is reported as *moved*) and walks every parameter, request body and response
body with ``$ref``, ``allOf``, ``items`` and nested ``properties`` resolved. Each finding is a
:class:`Change` named by the rule id of oasdiff (https://www.oasdiff.com, ``oasdiff breaking``)
and carrying oasdiff's level: ``ERR`` (breaks clients), ``WARN`` (may break them) or ``INFO``.

A change is *breaking* at ``ERR`` or ``WARN``. Two WARN rules matter most to this SDK and stay
breaking on purpose: a removed optional response field (the SDK exposes the job document's
optional fields) and a value added to a closed response enum (a strict decoder crashes on it,
the very bug of the original client with ``TRANSPILING``). The job status itself is an open set
("Documented values: ..." in its description): its values are reported, and a new one is
compatible.

No maintained Python differ was found that covers this (PyPI has only small single-author
tools without ``$ref``/``allOf`` resolution or direction-aware rules; oasdiff is a Go binary
that cannot be installed from a Python registry), hence this module, whose rule ids and levels
follow oasdiff's so its reports read the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "BREAKING_LEVELS",
    "Change",
    "SpecDiff",
    "acknowledgement_problems",
    "diff_specs",
]

JsonDict = dict[str, Any]

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
BREAKING_LEVELS = frozenset({"ERR", "WARN"})
_SCHEMA_REF = "#/components/schemas/"
_DOCUMENTED = re.compile(r"Documented values:(.*?)\.(?:\s|$)", re.S)
_TEMPLATE = re.compile(r"\{[^}/]*\}")

# Levels of the rules this module applies (oasdiff's levels; see the module docstring).
LEVELS: dict[str, str] = {
    "endpoint-added": "INFO",
    "api-path-removed-without-deprecation": "ERR",
    "api-removed-without-deprecation": "ERR",
    "api-operation-id-removed": "ERR",
    "new-required-request-parameter": "ERR",
    "new-optional-request-parameter": "INFO",
    "request-parameter-removed": "WARN",
    "request-parameter-became-required": "ERR",
    "request-parameter-became-optional": "INFO",
    "request-parameter-type-changed": "ERR",
    "request-parameter-enum-value-removed": "ERR",
    "request-parameter-enum-value-added": "INFO",
    "request-body-added-required": "ERR",
    "request-body-added-optional": "INFO",
    "request-body-removed": "WARN",
    "request-body-became-required": "ERR",
    "request-body-became-optional": "INFO",
    "request-body-media-type-removed": "ERR",
    "request-body-media-type-added": "INFO",
    "request-body-type-changed": "ERR",
    "new-required-request-property": "ERR",
    "new-optional-request-property": "INFO",
    "request-property-removed": "WARN",
    "request-property-became-required": "ERR",
    "request-property-became-optional": "INFO",
    "request-property-type-changed": "ERR",
    "request-property-became-not-nullable": "ERR",
    "request-property-became-nullable": "INFO",
    "request-property-enum-value-removed": "ERR",
    "request-property-enum-value-added": "INFO",
    "response-success-status-removed": "ERR",
    "response-non-success-status-removed": "WARN",
    "response-success-status-added": "INFO",
    "response-non-success-status-added": "INFO",
    "response-media-type-removed": "ERR",
    "response-media-type-added": "INFO",
    "response-body-type-changed": "ERR",
    "response-required-property-removed": "ERR",
    "response-optional-property-removed": "WARN",
    "response-required-property-added": "INFO",
    "response-optional-property-added": "INFO",
    "response-property-became-optional": "ERR",
    "response-property-became-required": "INFO",
    "response-property-type-changed": "ERR",
    "response-property-became-nullable": "ERR",
    "response-property-became-not-nullable": "INFO",
    "response-property-enum-value-added": "WARN",
    "response-property-enum-value-removed": "INFO",
    "documented-value-added": "INFO",
    "documented-value-removed": "INFO",
}


@dataclass(frozen=True)
class Change:
    """One difference between the base spec and the revised one.

    Attributes:
        rule: oasdiff's rule id, e.g. ``response-optional-property-removed``.
        level: ``ERR``, ``WARN`` or ``INFO``.
        operation: ``METHOD /path`` of the operation concerned.
        operation_id: Its ``operationId``.
        text: What changed, in words.
    """

    rule: str
    level: str
    operation: str
    operation_id: str
    text: str

    @property
    def breaking(self) -> bool:
        """Whether existing clients may break (``ERR`` or ``WARN``)."""
        return self.level in BREAKING_LEVELS


@dataclass
class SpecDiff:
    """The changes between two specs, with their ``info.version``.

    Attributes:
        base_version: ``info.version`` of the base spec.
        revision_version: ``info.version`` of the revised spec.
        changes: Every change found, in document order.
    """

    base_version: str
    revision_version: str
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> list[Change]:
        """The breaking changes."""
        return [c for c in self.changes if c.breaking]

    def to_json(self) -> JsonDict:
        """A JSON-ready document of the diff."""
        return {
            "base_version": self.base_version,
            "revision_version": self.revision_version,
            "breaking": len(self.breaking),
            "compatible": len(self.changes) - len(self.breaking),
            "changes": [{**asdict(c), "breaking": c.breaking} for c in self.changes],
        }

    def summary(self) -> list[str]:
        """Human-readable lines: each distinct change once, with the operations it affects."""
        if not self.changes:
            return ["no API changes"]
        grouped: dict[tuple[str, str, str], list[str]] = {}
        for change in self.changes:
            grouped.setdefault((change.level, change.rule, change.text), []).append(
                change.operation_id
            )
        breaking = sum(1 for level, _, _ in grouped if level in BREAKING_LEVELS)
        lines = [
            f"{breaking} breaking and {len(grouped) - breaking} compatible change(s) "
            f"(info.version {self.base_version} -> {self.revision_version})"
        ]
        order = {"ERR": 0, "WARN": 1, "INFO": 2}
        for (level, rule, text), ids in sorted(grouped.items(), key=lambda i: order[i[0][0]]):
            kind = "breaking" if level in BREAKING_LEVELS else "compatible"
            shown = ", ".join(dict.fromkeys(ids))
            lines.append(f"  {kind:<10} {level:<4} {rule}: {text} [{shown}]")
        return lines


class _Walker:
    """Collects the changes of one operation; knows both documents to resolve refs."""

    def __init__(self, base: JsonDict, revision: JsonDict, operation: str, op_id: str) -> None:
        self.docs = (base, revision)
        self.operation = operation
        self.op_id = op_id
        self.changes: list[Change] = []

    def add(self, rule: str, text: str) -> None:
        self.changes.append(Change(rule, LEVELS[rule], self.operation, self.op_id, text))

    def resolve(self, side: int, node: Any) -> tuple[Any, str | None]:
        """The node behind ``$ref`` (followed to the end) and the last component name."""
        name = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise ValueError(f"circular $ref {ref}")
            seen.add(ref)
            if ref.startswith(_SCHEMA_REF):
                name = ref[len(_SCHEMA_REF) :]
            target: Any = self.docs[side]
            for part in ref.removeprefix("#/").split("/"):
                if not isinstance(target, dict) or part not in target:
                    raise ValueError(f"unresolvable $ref {ref}")
                target = target[part]
            node = target
        return node, name

    def flat(self, side: int, node: Any) -> tuple[JsonDict, str | None]:
        """A schema with refs resolved and ``allOf`` parts merged into one object schema."""
        schema, name = self.resolve(side, node)
        if not isinstance(schema, dict):
            return {}, name
        if "allOf" not in schema:
            return schema, name
        merged: JsonDict = {k: v for k, v in schema.items() if k != "allOf"}
        properties: JsonDict = dict(merged.get("properties", {}))
        required: list[str] = list(merged.get("required", []))
        for part in schema["allOf"]:
            sub, _ = self.flat(side, part)
            properties.update(sub.get("properties", {}))
            required += sub.get("required", [])
            for key in ("type", "format", "enum", "nullable", "items"):
                if key in sub and key not in merged:
                    merged[key] = sub[key]
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = list(dict.fromkeys(required))
        return merged, name

    def schema(self, old: Any, new: Any, where: str, direction: str, stack: frozenset[str]) -> None:
        """Compare two schemas found at ``where`` in a ``request`` or ``response``."""
        old_s, old_name = self.flat(0, old)
        new_s, new_name = self.flat(1, new)
        key = f"{old_name}|{new_name}"
        if old_name and new_name and key in stack:
            return  # a recursive schema: already being compared further up
        stack = stack | {key}
        label = where or new_name or old_name or "body"
        # Fields of a named schema are shown as `Schema.field`, the same in every operation.
        where = new_name or old_name or where
        old_type, new_type = _type_of(self, 0, old_s), _type_of(self, 1, new_s)
        if old_type != new_type:
            part = "property" if where else "body"
            rule = f"{direction}-{part}-type-changed"
            self.add(rule, f"{label}: type {old_type} -> {new_type}")
            return
        self.nullable(old_s, new_s, label, direction)
        # Values of a named schema are shown once under its name, not per field that uses it.
        self.enum(old_s, new_s, new_name or label, direction)
        self.documented_values(old_s, new_s, new_name or label)
        if "items" in old_s and "items" in new_s:
            self.schema(old_s["items"], new_s["items"], f"{where or ''}[]", direction, stack)
        self.properties(old_s, new_s, where, direction, stack)

    def nullable(self, old_s: JsonDict, new_s: JsonDict, label: str, direction: str) -> None:
        was, now = bool(old_s.get("nullable")), bool(new_s.get("nullable"))
        if was != now:
            became = "nullable" if now else "not-nullable"
            self.add(f"{direction}-property-became-{became}", f"{label}: became {became}")

    def enum(self, old_s: JsonDict, new_s: JsonDict, label: str, direction: str) -> None:
        if "enum" not in old_s and "enum" not in new_s:
            return
        old_values, new_values = old_s.get("enum"), new_s.get("enum")
        kind = "parameter" if direction == "request-parameter" else "property"
        prefix = "request" if direction.startswith("request") else "response"
        if old_values is None or new_values is None:
            # An enum introduced narrows the values (as removing some), one dropped widens them.
            rule = "enum-value-removed" if old_values is None else "enum-value-added"
            self.add(f"{prefix}-{kind}-{rule}", f"{label}: enum {old_values} -> {new_values}")
            return
        for value in new_values:
            if value not in old_values:
                self.add(f"{prefix}-{kind}-enum-value-added", f"{label}: value {value!r} added")
        for value in old_values:
            if value not in new_values:
                self.add(f"{prefix}-{kind}-enum-value-removed", f"{label}: value {value!r} removed")

    def documented_values(self, old_s: JsonDict, new_s: JsonDict, label: str) -> None:
        old_values, new_values = _documented(old_s), _documented(new_s)
        for value in new_values:
            if value not in old_values:
                self.add("documented-value-added", f"{label}: documented value {value} added")
        for value in old_values:
            if value not in new_values:
                self.add("documented-value-removed", f"{label}: documented value {value} removed")

    def properties(
        self, old_s: JsonDict, new_s: JsonDict, where: str, direction: str, stack: frozenset[str]
    ) -> None:
        old_props: JsonDict = old_s.get("properties", {})
        new_props: JsonDict = new_s.get("properties", {})
        old_req, new_req = set(old_s.get("required", [])), set(new_s.get("required", []))
        for name, sub in new_props.items():
            path = f"{where}.{name}" if where else name
            if name not in old_props:
                required = name in new_req
                if direction == "request":
                    rule = "new-required" if required else "new-optional"
                    self.add(f"{rule}-request-property", f"field `{path}` added")
                else:
                    rule = "required" if required else "optional"
                    self.add(f"response-{rule}-property-added", f"field `{path}` added")
                continue
            if (name in old_req) != (name in new_req):
                became = "required" if name in new_req else "optional"
                self.add(f"{direction}-property-became-{became}", f"field `{path}` became {became}")
            self.schema(old_props[name], sub, path, direction, stack)
        for name in old_props:
            if name not in new_props:
                path = f"{where}.{name}" if where else name
                if direction == "request":
                    self.add("request-property-removed", f"field `{path}` removed")
                else:
                    rule = "required" if name in old_req else "optional"
                    self.add(f"response-{rule}-property-removed", f"field `{path}` removed")


def _type_of(walker: _Walker, side: int, schema: JsonDict) -> str:
    """A short signature of a schema's type: ``string/date-time``, ``oneOf(a|b)``, ``any``."""
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            parts = sorted(_type_of(walker, side, walker.flat(side, p)[0]) for p in schema[keyword])
            return f"{keyword}({'|'.join(parts)})"
    kind = schema.get("type")
    if kind is None:
        kind = "object" if "properties" in schema else "any"
    return f"{kind}/{schema['format']}" if "format" in schema else str(kind)


def _documented(schema: JsonDict) -> list[str]:
    match = _DOCUMENTED.search(str(schema.get("description", "")))
    if not match:
        return []
    return [v.strip() for v in match.group(1).split(",") if v.strip()]


def _operations(spec: JsonDict) -> dict[tuple[str, str], tuple[str, JsonDict, list[Any]]]:
    """``(METHOD, normalised path)`` -> (path, operation, path-level parameters)."""
    found = {}
    for path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                key = (method.upper(), _TEMPLATE.sub("{}", path))
                found[key] = (path, operation, item.get("parameters", []))
    return found


def diff_specs(base: JsonDict, revision: JsonDict) -> SpecDiff:
    """Compare two OpenAPI documents.

    Args:
        base: The spec existing clients were built from.
        revision: The changed spec.

    Returns:
        Every change, classified.

    Raises:
        ValueError: a ``$ref`` cannot be resolved or loops on itself.
    """
    result = SpecDiff(
        str(base.get("info", {}).get("version", "")),
        str(revision.get("info", {}).get("version", "")),
    )
    old_ops, new_ops = _operations(base), _operations(revision)
    new_by_id = {op.get("operationId"): key for key, (_, op, _) in new_ops.items()}
    old_paths = {key[1] for key in old_ops}
    moved_to: set[tuple[str, str]] = set()
    for key, (path, operation, _) in old_ops.items():
        label, op_id = f"{key[0]} {path}", str(operation.get("operationId", ""))
        walker = _Walker(base, revision, label, op_id)
        if key in new_ops:
            _compare_operation(walker, old_ops[key], new_ops[key])
        else:
            rule = (
                "api-path-removed-without-deprecation"
                if key[1] not in {k[1] for k in new_ops}
                else "api-removed-without-deprecation"
            )
            target = new_by_id.get(op_id)
            if target is not None and target not in old_ops:
                # The same operationId on a new method or path: the operation moved.
                moved_to.add(target)
                walker.add(rule, f"{label} moved to {target[0]} {new_ops[target][0]}")
                _compare_operation(walker, old_ops[key], new_ops[target])
            else:
                walker.add(rule, f"{label} removed")
        result.changes += walker.changes
    for key, (path, operation, _) in new_ops.items():
        if key in old_ops or key in moved_to:
            continue
        op_id = str(operation.get("operationId", ""))
        walker = _Walker(base, revision, f"{key[0]} {path}", op_id)
        fresh = "new path" if key[1] not in old_paths else "new method on a path"
        walker.add("endpoint-added", f"{key[0]} {path} added ({fresh})")
        result.changes += walker.changes
    for key, (path, operation, _) in old_ops.items():
        old_id = str(operation.get("operationId", ""))
        new_id = str(new_ops[key][1].get("operationId", "")) if key in new_ops else old_id
        if new_id != old_id:
            walker = _Walker(base, revision, f"{key[0]} {path}", old_id)
            walker.add("api-operation-id-removed", f"operationId {old_id} renamed to {new_id}")
            result.changes += walker.changes
    return result


def _compare_operation(
    walker: _Walker,
    old: tuple[str, JsonDict, list[Any]],
    new: tuple[str, JsonDict, list[Any]],
) -> None:
    _compare_parameters(walker, old, new)
    _compare_request_body(walker, old[1].get("requestBody"), new[1].get("requestBody"))
    _compare_responses(walker, old[1].get("responses", {}), new[1].get("responses", {}))


def _parameters(
    walker: _Walker, side: int, entry: tuple[str, JsonDict, list[Any]]
) -> dict[tuple[str, str], JsonDict]:
    """Parameters by (location, name); path parameters by position in the template."""
    path, operation, shared = entry
    positions = {name[1:-1]: str(i) for i, name in enumerate(_TEMPLATE.findall(path))}
    found: dict[tuple[str, str], JsonDict] = {}
    for raw in [*shared, *operation.get("parameters", [])]:
        param, _ = walker.resolve(side, raw)
        where, name = param.get("in", ""), param.get("name", "")
        key = (where, positions.get(name, name) if where == "path" else name)
        found[key] = param
    return found


def _compare_parameters(
    walker: _Walker,
    old: tuple[str, JsonDict, list[Any]],
    new: tuple[str, JsonDict, list[Any]],
) -> None:
    old_params, new_params = _parameters(walker, 0, old), _parameters(walker, 1, new)
    for key, param in new_params.items():
        label = f"{param.get('in')} parameter `{param.get('name')}`"
        if key not in old_params:
            rule = "required" if param.get("required") else "optional"
            walker.add(f"new-{rule}-request-parameter", f"{label} added")
            continue
        before = old_params[key]
        if bool(before.get("required")) != bool(param.get("required")):
            became = "required" if param.get("required") else "optional"
            walker.add(f"request-parameter-became-{became}", f"{label} became {became}")
        old_s, _ = walker.flat(0, before.get("schema", {}))
        new_s, _ = walker.flat(1, param.get("schema", {}))
        old_type, new_type = _type_of(walker, 0, old_s), _type_of(walker, 1, new_s)
        if old_type != new_type:
            walker.add("request-parameter-type-changed", f"{label}: type {old_type} -> {new_type}")
        else:
            walker.enum(old_s, new_s, label, "request-parameter")
    for key, param in old_params.items():
        if key not in new_params:
            label = f"{param.get('in')} parameter `{param.get('name')}`"
            walker.add("request-parameter-removed", f"{label} removed")


def _compare_request_body(walker: _Walker, old: Any, new: Any) -> None:
    if old is None and new is None:
        return
    if old is None:
        new_b, _ = walker.resolve(1, new)
        rule = "required" if new_b.get("required") else "optional"
        walker.add(f"request-body-added-{rule}", "request body added")
        return
    if new is None:
        walker.add("request-body-removed", "request body removed")
        return
    old_b, _ = walker.resolve(0, old)
    new_b, _ = walker.resolve(1, new)
    if bool(old_b.get("required")) != bool(new_b.get("required")):
        became = "required" if new_b.get("required") else "optional"
        walker.add(f"request-body-became-{became}", f"request body became {became}")
    for _media, old_m, new_m in _media_pairs(walker, old_b, new_b, "request-body", "request body"):
        if "schema" in old_m and "schema" in new_m:
            walker.schema(old_m["schema"], new_m["schema"], "", "request", frozenset())


def _media_pairs(
    walker: _Walker, old: JsonDict, new: JsonDict, prefix: str, label: str
) -> Iterator[tuple[str, JsonDict, JsonDict]]:
    old_c: JsonDict = old.get("content", {}) or {}
    new_c: JsonDict = new.get("content", {}) or {}
    for media in new_c:
        if media not in old_c:
            walker.add(f"{prefix}-media-type-added", f"{label}: media type {media} added")
    for media, old_m in old_c.items():
        if media not in new_c:
            walker.add(f"{prefix}-media-type-removed", f"{label}: media type {media} removed")
        else:
            yield media, old_m or {}, new_c[media] or {}


def _compare_responses(walker: _Walker, old: JsonDict, new: JsonDict) -> None:
    for code in new:
        if code not in old:
            kind = "success" if _success(code) else "non-success"
            walker.add(f"response-{kind}-status-added", f"response {code} added")
    for code, old_r in old.items():
        if code not in new:
            kind = "success" if _success(code) else "non-success"
            walker.add(f"response-{kind}-status-removed", f"response {code} removed")
            continue
        old_b, _ = walker.resolve(0, old_r)
        new_b, _ = walker.resolve(1, new[code])
        label = f"response {code}"
        for _media, old_m, new_m in _media_pairs(walker, old_b, new_b, "response", label):
            if "schema" in old_m and "schema" in new_m:
                walker.schema(old_m["schema"], new_m["schema"], "", "response", frozenset())


def _success(code: str) -> bool:
    return str(code).startswith(("2", "3"))


def _version_key(version: str) -> tuple[int, ...] | None:
    parts = version.strip().removeprefix("v").split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def acknowledgement_problems(diff: SpecDiff, changelog: str | None) -> list[str]:
    """Why the breaking changes of ``diff`` are not acknowledged (empty when they are).

    A breaking change is acknowledged in the spec itself: ``info.version`` is raised above the
    base's, and ``spec/CHANGES.md`` has a section headed by the new version (``## 2.0.0``)
    with some text in it.

    Args:
        diff: The changes.
        changelog: The text of ``spec/CHANGES.md``, None when the file does not exist.

    Returns:
        One sentence per missing piece.
    """
    if not diff.breaking:
        return []
    problems = []
    old, new = diff.base_version, diff.revision_version
    old_key, new_key = _version_key(old), _version_key(new)
    if new == old:
        problems.append(f"info.version is still {old}: raise it for a breaking change")
    elif old_key is not None and new_key is not None and new_key <= old_key:
        problems.append(f"info.version goes from {old} to {new}: it must increase")
    elif changelog is None:
        problems.append(f"spec/CHANGES.md is missing: add a section `## {new}`")
    elif not _changelog_entry(changelog, new):
        problems.append(f"spec/CHANGES.md has no section `## {new}` describing the change")
    return problems


def _changelog_entry(changelog: str, version: str) -> bool:
    heading = re.compile(rf"^#+\s*\[?v?{re.escape(version)}\]?(\s|$)")
    lines = changelog.splitlines()
    for i, line in enumerate(lines):
        if heading.match(line):
            body = []
            for following in lines[i + 1 :]:
                if following.startswith("#"):
                    break
                body.append(following.strip())
            return any(body)
    return False
