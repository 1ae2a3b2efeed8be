"""Audit of the HTTP traffic of the scenarios against the OpenAPI document (strict mode).

Schemathesis judges the requests it generates; the scenarios send the requests a real client
sends, through the SDK and directly. In strict mode every one of their responses is checked:
its status must be documented for the operation, and its JSON body must match the response
schema with undocumented fields refused (:func:`conformance.specs.closed_components`).

:class:`WireAudit` wraps an httpx transport, so it sees the SDK's traffic (the SDK takes a
transport in its HTTP settings) as well as the scenarios' own.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema

from .specs import HTTP_METHODS, JsonDict, json_schema

__all__ = ["AuditingTransport", "WireAudit"]

_REF = "#/components/"


@dataclass(frozen=True)
class _Route:
    operation_id: str
    method: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(regex + "$")


class WireAudit:
    """Collects the spec violations of the responses it is shown.

    Args:
        openapi: The OpenAPI document (its components are closed for the check).
        api_base: The API base URL; paths are matched relative to its path (``/api``).
    """

    def __init__(self, openapi: JsonDict, api_base: str) -> None:
        self._document = openapi
        self._components = json_schema(openapi.get("components", {}))
        self._base_path = urlsplit(api_base).path.rstrip("/")
        self._routes = [
            _Route(op["operationId"], method.upper(), _pattern(path), op.get("responses", {}))
            for path, item in openapi.get("paths", {}).items()
            for method in HTTP_METHODS
            if isinstance(op := item.get(method), dict)
        ]
        self._lock = threading.Lock()
        self.problems: list[str] = []
        self.checked = 0

    def transport(self, inner: httpx.BaseTransport | None = None) -> AuditingTransport:
        """An httpx transport that shows every response to this audit."""
        return AuditingTransport(inner or httpx.HTTPTransport(), self)

    def _route(self, method: str, path: str) -> _Route | None:
        if self._base_path and path.startswith(self._base_path):
            path = path[len(self._base_path) :]
        return next((r for r in self._routes if r.method == method and r.pattern.match(path)), None)

    def check(self, request: httpx.Request, response: httpx.Response) -> None:
        """Check one exchange; remember what is wrong with it."""
        route = self._route(request.method, request.url.path)
        if route is None:
            return
        problem = self._problem(route, response)
        with self._lock:
            self.checked += 1
            if problem is not None:
                self.problems.append(f"{route.operation_id} ({request.method}): {problem}")

    def _problem(self, route: _Route, response: httpx.Response) -> str | None:
        documented = route.responses.get(str(response.status_code)) or route.responses.get(
            "default"
        )
        if documented is None:
            known = ", ".join(sorted(route.responses))
            return f"HTTP {response.status_code} is not documented (documented: {known})"
        documented = self._resolve(documented)
        schema = documented.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return None
        try:
            body = json.loads(response.read())
        except ValueError:
            return f"HTTP {response.status_code} with a body that is not JSON"
        validator = jsonschema.Draft7Validator(
            {**json_schema(schema), "components": self._components}
        )
        error = next(iter(validator.iter_errors(body)), None)
        if error is None:
            return None
        where = "/".join(str(part) for part in error.absolute_path)
        return f"HTTP {response.status_code} body: {error.message} at /{where}"

    def _resolve(self, node: JsonDict) -> JsonDict:
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith(_REF):
            return node
        kind, _, name = ref[len(_REF) :].partition("/")
        resolved: JsonDict = self._document["components"][kind][name]
        return resolved


class AuditingTransport(httpx.BaseTransport):
    """An httpx transport showing each response to a :class:`WireAudit`."""

    def __init__(self, inner: httpx.BaseTransport, audit: WireAudit) -> None:
        self._inner = inner
        self._audit = audit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request through the inner transport, then audit the response."""
        response = self._inner.handle_request(request)
        response.read()
        self._audit.check(request, response)
        return response

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()
