"""The spec documents as the conformance suite reads them.

``spec/openapi.yaml`` and ``spec/asyncapi.yaml`` are the single source of truth; this module
loads them and derives, in memory and never on disk, the variants a run needs:

* the operations (id, method, path) the report lists one by one;
* the *strict* OpenAPI document, in which every object described by ``properties`` in a
  response is closed (``additionalProperties: false``), so a server sending a field the spec does
  not document fails. Documents whose shape qiskit owns (Qobj, Result, backend configuration,
  calibration, pulse defaults) stay open: the spec only sketches them.
"""

from __future__ import annotations

import copy
import hashlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

__all__ = [
    "DOCUMENTED_JOB_STATUSES",
    "FINAL_JOB_STATUSES",
    "FOREIGN_SCHEMAS",
    "HTTP_METHODS",
    "Operation",
    "closed_components",
    "default_spec_dir",
    "json_schema",
    "load_asyncapi",
    "load_openapi",
    "operations",
    "schema_problems",
    "schema_validator",
    "spec_sha256",
    "strict_openapi",
]

JsonDict = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# The job statuses the spec documents (schema `ApiJobStatus`); a server may add others, but a
# job in one of these states must be reported with exactly this string.
FINAL_JOB_STATUSES = frozenset(
    {
        "COMPLETED",
        "CANCELLED",
        "ERROR_CREATING_JOB",
        "ERROR_VALIDATING_JOB",
        "ERROR_RUNNING_JOB",
        "ERROR_TRANSPILING_JOB",
    }
)
DOCUMENTED_JOB_STATUSES = FINAL_JOB_STATUSES | {
    "CREATING",
    "CREATED",
    "TRANSPILING",
    "TRANSPILED",
    "VALIDATING",
    "VALIDATED",
    "QUEUED",
    "PENDING_IN_QUEUE",
    "RUNNING",
}

# Schemas describing documents whose shape belongs to qiskit, not to this API.
FOREIGN_SCHEMAS = frozenset(
    {
        "Qobj",
        "QobjConfig",
        "QobjExperiment",
        "QobjInstruction",
        "Result",
        "ExperimentResult",
        "BackendConfiguration",
        "BackendProperties",
        "Nduv",
        "PulseDefaults",
    }
)
_SCHEMA_REF = "#/components/schemas/"
_STRICT_SUFFIX = "Strict"


@dataclass(frozen=True)
class Operation:
    """One operation of the OpenAPI document.

    Attributes:
        operation_id: The ``operationId``.
        method: The HTTP method, upper case.
        path: The path template, relative to the API base.
    """

    operation_id: str
    method: str
    path: str

    @property
    def label(self) -> str:
        """``METHOD /path``, as schemathesis names the operation."""
        return f"{self.method} {self.path}"


def default_spec_dir() -> Path:
    """Return the ``spec/`` folder of the source tree this package belongs to, else the copy
    an installed distribution carries in ``<prefix>/share/ibmqjob/spec``."""
    source_tree = Path(__file__).resolve().parent.parent / "spec"
    if (source_tree / "openapi.yaml").is_file():
        return source_tree
    return Path(sys.prefix) / "share" / "ibmqjob" / "spec"


def _load_yaml(path: Path) -> JsonDict:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ValueError(f"cannot read the spec {path}: {err}") from err
    if not isinstance(document, dict):
        raise ValueError(f"the spec {path} is not a YAML mapping")
    return document


def load_openapi(spec_dir: Path | None = None) -> JsonDict:
    """Load ``openapi.yaml``.

    Args:
        spec_dir: Folder holding the spec; the source tree's ``spec/`` by default.

    Returns:
        The OpenAPI document.

    Raises:
        ValueError: the file is missing or not a YAML mapping.
    """
    return _load_yaml((spec_dir or default_spec_dir()) / "openapi.yaml")


def load_asyncapi(spec_dir: Path | None = None) -> JsonDict:
    """Load ``asyncapi.yaml``.

    Args:
        spec_dir: Folder holding the spec; the source tree's ``spec/`` by default.

    Returns:
        The AsyncAPI document.

    Raises:
        ValueError: the file is missing or not a YAML mapping.
    """
    return _load_yaml((spec_dir or default_spec_dir()) / "asyncapi.yaml")


def spec_sha256(spec_dir: Path | None = None) -> str:
    """SHA-256 of ``openapi.yaml`` followed by ``asyncapi.yaml``: which contract judged.

    Raises:
        ValueError: a file cannot be read.
    """
    folder = spec_dir or default_spec_dir()
    digest = hashlib.sha256()
    for name in ("openapi.yaml", "asyncapi.yaml"):
        try:
            digest.update((folder / name).read_bytes())
        except OSError as err:
            raise ValueError(f"cannot read the spec {folder / name}: {err}") from err
    return digest.hexdigest()


def operations(openapi: JsonDict) -> list[Operation]:
    """List the operations of an OpenAPI document, in document order.

    Args:
        openapi: The OpenAPI document.

    Returns:
        One :class:`Operation` per path and method.
    """
    found = []
    for path, item in openapi.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.append(Operation(operation["operationId"], method.upper(), path))
    return found


def strict_openapi(openapi: JsonDict) -> JsonDict:
    """Return a copy whose response schemas reject undocumented fields.

    Request schemas are left alone (generation must not change); the component schemas a
    response uses are duplicated as ``<Name>Strict`` with their described objects closed, and
    the responses point at the duplicates.

    Args:
        openapi: The OpenAPI document.

    Returns:
        The strict document.
    """
    strict = copy.deepcopy(openapi)
    components = strict.setdefault("components", {})
    schemas: JsonDict = components.setdefault("schemas", {})
    originals = dict(schemas)
    for name in _reachable(originals, _response_refs(strict)):
        if name not in FOREIGN_SCHEMAS:
            schemas[name + _STRICT_SUFFIX] = _closed(originals[name], originals)
    for response in _responses(strict):
        for media in response.get("content", {}).values():
            if "schema" in media:
                media["schema"] = _closed(media["schema"], originals)
    return strict


def closed_components(openapi: JsonDict) -> JsonDict:
    """Return a copy whose component schemas (but the foreign ones) reject undocumented fields.

    For validating responses by schema name (as the scenarios do) in strict mode; requests
    are never validated against it.

    Args:
        openapi: The OpenAPI document.

    Returns:
        The copy.
    """
    closed = copy.deepcopy(openapi)
    schemas = closed.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name not in FOREIGN_SCHEMAS:
            schemas[name] = _closed(schema, {})
    return closed


def _responses(openapi: JsonDict) -> Iterator[JsonDict]:
    """Every response object, inline in operations or shared in ``components.responses``."""
    yield from openapi.get("components", {}).get("responses", {}).values()
    for item in openapi.get("paths", {}).values():
        for method in HTTP_METHODS:
            for response in item.get(method, {}).get("responses", {}).values():
                if "$ref" not in response:
                    yield response


def _response_refs(openapi: JsonDict) -> set[str]:
    names: set[str] = set()
    for response in _responses(openapi):
        for media in response.get("content", {}).values():
            names |= _refs_in(media.get("schema", {}))
    return names


def _refs_in(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set()
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            found.add(ref[len(_SCHEMA_REF) :])
        for value in node.values():
            found |= _refs_in(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs_in(item) for item in node)) if node else set()
    return set()


def _reachable(schemas: JsonDict, roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_refs_in(schemas[name]))
    return seen


def _closed(node: Any, originals: JsonDict) -> Any:
    """Copy ``node``, closing described objects and pointing refs at strict duplicates."""
    if isinstance(node, list):
        return [_closed(item, originals) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _closed(value, originals) for key, value in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
        name = ref[len(_SCHEMA_REF) :]
        if name in originals and name not in FOREIGN_SCHEMAS:
            copied["$ref"] = _SCHEMA_REF + name + _STRICT_SUFFIX
    # Only objects that list their fields are closed: free-form maps (no `properties`, or a
    # schema as `additionalProperties`) hold arbitrary keys by design.
    if "properties" in node and node.get("additionalProperties", True) is True:
        copied["additionalProperties"] = False
    return copied


def json_schema(node: Any) -> Any:
    """Translate OpenAPI 3.0 schema keywords JSON Schema does not know (``nullable``)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    translated = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True and isinstance(node.get("type"), str):
        translated["type"] = [node["type"], "null"]
    return translated


def schema_validator(openapi: JsonDict, name: str) -> jsonschema.Draft7Validator:
    """Build a validator of one component schema (``Job``, ``Result``, ...) of the document.

    Args:
        openapi: The OpenAPI document (plain or strict).
        name: The component schema's name.

    Returns:
        A JSON Schema validator (formats are not checked; schemathesis does that).

    Raises:
        KeyError: the document has no such schema.
    """
    components = openapi.get("components", {})
    if name not in components.get("schemas", {}):
        raise KeyError(name)
    schema = {"$ref": _SCHEMA_REF + name, "components": json_schema(components)}
    return jsonschema.Draft7Validator(schema)


def schema_problems(openapi: JsonDict, name: str, instance: Any, limit: int = 3) -> list[str]:
    """Return up to ``limit`` reasons why ``instance`` does not match a component schema.

    Args:
        openapi: The OpenAPI document.
        name: The component schema's name.
        instance: The value to check.
        limit: Most reasons returned.

    Returns:
        ``"<message> at /<path>"`` strings; empty when the value matches.
    """
    errors = schema_validator(openapi, name).iter_errors(instance)
    found = []
    for error in errors:
        path = "/".join(str(part) for part in error.absolute_path)
        found.append(f"{error.message} at /{path}")
        if len(found) >= limit:
            break
    return found
