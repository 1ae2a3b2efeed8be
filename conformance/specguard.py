"""Requests and responses checked against ``spec/openapi.yaml`` one by one.

:class:`SpecContract` finds the operation of a ``METHOD /path`` and says what is wrong with a
request (undeclared or missing query parameters, a JSON body its schema refuses) or a response
(a status code the operation does not document, a body its schema refuses). :class:`SpecGuard`
is an ASGI middleware that checks every answer of an application that way, before the client
gets the last byte, and hands each violation to a callback: the test suite installs it on every
reference server it starts, so the server cannot drift from the spec unnoticed. It also checks
the requests of one client, told by a header (the SDK's ``X-Qx-Client-Application:
ibmqjob/...``), so the SDK cannot drift either; other clients may send invalid requests on
purpose to see them refused.

Checks are plain JSON Schema validation (formats not checked), with one validator per
operation, status and media type built on first use. To keep the cost of a guarded server low,
the Rust validator (``jsonschema-rs``, also what schemathesis uses) says whether a body is valid
and the reference ``jsonschema`` only explains the rare invalid ones; bodies larger than
``max_body_bytes`` are not parsed.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import jsonschema
import jsonschema_rs

from .specs import HTTP_METHODS, json_schema

__all__ = ["MatchedOperation", "SpecContract", "SpecGuard"]

JsonDict = dict[str, Any]
_TEMPLATE = re.compile(r"\{([^}/]+)\}")


@dataclass(frozen=True)
class MatchedOperation:
    """The operation a request path and method fall on.

    Attributes:
        operation_id: Its ``operationId``.
        template: The spec's path template.
        operation: The operation object.
        parameters: Its parameters, path-level ones included, refs resolved.
    """

    operation_id: str
    template: str
    operation: JsonDict
    parameters: tuple[JsonDict, ...]


class SpecContract:
    """The operations of an OpenAPI document, to check traffic against.

    Args:
        openapi: The OpenAPI document.
        prefix: Path prefix of the API base on the server (``/api``).
    """

    def __init__(self, openapi: JsonDict, prefix: str = "/api") -> None:
        self._doc = openapi
        self._prefix = prefix.rstrip("/")
        self._components = json_schema(openapi.get("components", {}))
        self._validators: dict[tuple[str, ...], tuple[JsonDict, jsonschema_rs.Draft7Validator]] = {}
        self._lock = threading.Lock()
        routes = []
        for template, item in openapi.get("paths", {}).items():
            parts = _TEMPLATE.split(template)  # literal, name, literal, name, ...
            pattern = "".join(re.escape(p) if i % 2 == 0 else "[^/]+" for i, p in enumerate(parts))
            literal = len([s for s in template.split("/") if s and "{" not in s])
            routes.append((literal, re.compile(f"^{pattern}$"), template, item))
        # The most literal template wins: `/Jobs/status/v/1` before `/Jobs/{job_id}/v/1`.
        routes.sort(key=lambda r: -r[0])
        self._routes = routes

    def match(self, method: str, path: str) -> MatchedOperation | None:
        """The operation of ``METHOD path`` (``path`` with the prefix), None if there is none."""
        if not path.startswith(self._prefix + "/"):
            return None
        relative = path[len(self._prefix) :]
        for _, pattern, template, item in self._routes:
            if pattern.match(relative):
                operation = item.get(method.lower())
                if not isinstance(operation, dict) or method.lower() not in HTTP_METHODS:
                    return None
                raw = [*item.get("parameters", []), *operation.get("parameters", [])]
                params = tuple(self._resolve(p) for p in raw)
                return MatchedOperation(
                    str(operation.get("operationId")), template, operation, params
                )
        return None

    def request_problems(
        self,
        method: str,
        path: str,
        query: Mapping[str, object],
        body: bytes | None,
        check_body: bool = True,
    ) -> list[str]:
        """What is wrong with a request; empty when it fits the spec.

        Args:
            method: HTTP method.
            path: URL path, with the prefix.
            query: Query parameter names (values are not checked).
            body: The body, or None/empty for none; checked when the operation takes JSON.
            check_body: False to check only the operation and its query parameters (for
                requests that carry invalid bodies on purpose).
        """
        matched = self.match(method, path)
        if matched is None:
            return [f"{method} {path}: no operation of the spec"]
        label = f"{matched.operation_id} ({method} {matched.template})"
        declared = {p["name"]: p for p in matched.parameters if p.get("in") == "query"}
        problems = [
            f"{label}: undeclared query parameter `{q}`" for q in query if q not in declared
        ]
        problems += [
            f"{label}: missing required query parameter `{name}`"
            for name, param in declared.items()
            if param.get("required") and name not in query
        ]
        if not check_body:
            return problems
        request_body = self._resolve(matched.operation.get("requestBody") or {})
        media = (request_body.get("content") or {}).get("application/json")
        if media and "schema" in media and body:
            key = (matched.operation_id, "request")
            problems += self._validate(key, media["schema"], body, label + " request body")
        elif request_body.get("required") and not body:
            problems.append(f"{label}: the request body is required")
        return problems

    def response_problems(
        self, method: str, path: str, status: int, content_type: str, body: bytes
    ) -> list[str]:
        """What is wrong with a response; empty when it fits (or no operation matches).

        Args:
            method: HTTP method of the request.
            path: URL path of the request, with the prefix.
            status: HTTP status code.
            content_type: The ``Content-Type`` header, may be empty.
            body: The response body.
        """
        matched = self.match(method, path)
        if matched is None:
            return []
        label = f"{matched.operation_id} ({method} {matched.template}) {status}"
        responses = matched.operation.get("responses", {})
        documented = responses.get(str(status), responses.get(f"{str(status)[0]}XX"))
        if documented is None:
            documented = responses.get("default")
        if documented is None:
            return [f"{label}: status not documented ({', '.join(responses)})"]
        content = self._resolve(documented).get("content") or {}
        if not content:
            return []
        media_type = content_type.split(";")[0].strip().lower()
        if media_type not in content:
            return [f"{label}: media type {media_type or 'none'} not documented ({list(content)})"]
        schema = content[media_type].get("schema")
        if schema is None or media_type != "application/json":
            return []
        return self._validate((matched.operation_id, str(status), media_type), schema, body, label)

    def _validate(
        self, key: tuple[str, ...], schema: JsonDict, body: bytes, label: str
    ) -> list[str]:
        try:
            instance = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return [f"{label}: not JSON ({err})"]
        with self._lock:
            cached = self._validators.get(key)
            if cached is None:
                document = {**json_schema(schema), "components": self._components}
                cached = document, jsonschema_rs.Draft7Validator(document, validate_formats=False)
                self._validators[key] = cached
        document, fast = cached
        if fast.is_valid(instance):
            return []
        found = []
        for error in jsonschema.Draft7Validator(document).iter_errors(instance):
            where = "/".join(str(p) for p in error.absolute_path)
            found.append(f"{label}: {error.message[:200]} at /{where}")
            if len(found) >= 3:
                break
        return found or [f"{label}: refused by the schema"]

    def _resolve(self, node: Any) -> JsonDict:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target: Any = self._doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node if isinstance(node, dict) else {}


Receive = Callable[[], Any]
Send = Callable[[JsonDict], Any]


class SpecGuard:
    """ASGI middleware: every HTTP answer is checked by a :class:`SpecContract`.

    Args:
        app: The ASGI application.
        contract: What to check against.
        report: Called with ``"METHOD /path -> problem"`` for each violation, from the
            server's thread, before the client receives the end of the response.
        max_body_bytes: Larger bodies are passed through unchecked.
        client_marker: ``(header name, value prefix)``, lower-case bytes, of the client whose
            requests are checked too; None to check no request.
    """

    def __init__(
        self,
        app: Any,
        contract: SpecContract,
        report: Callable[[str], None],
        max_body_bytes: int = 4 << 20,
        client_marker: tuple[bytes, bytes] | None = None,
    ) -> None:
        self.app = app
        self.contract = contract
        self.report = report
        self.max_body_bytes = max_body_bytes
        self.client_marker = client_marker

    def _from_checked_client(self, scope: JsonDict) -> bool:
        if self.client_marker is None:
            return False
        name, prefix = self.client_marker
        return any(
            key.lower() == name and value.lower().startswith(prefix)
            for key, value in scope.get("headers", [])
        )

    async def __call__(self, scope: JsonDict, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        method, path = str(scope.get("method", "GET")), str(scope.get("path", ""))
        check_request = self._from_checked_client(scope)
        if self.contract.match(method, path) is None:
            if check_request:
                self.report(f"{method} {path} -> the client called no operation of the spec")
            await self.app(scope, receive, send)
            return
        status = 0
        content_type = ""
        chunks: list[bytes] = []
        size = 0
        request_chunks: list[bytes] = []

        async def recording_receive() -> Any:
            message = await receive()
            if message.get("type") == "http.request":
                request_chunks.append(message.get("body", b""))
            return message

        def request_problems() -> list[str]:
            body = b"".join(request_chunks)
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"), True)
            # A server that answers before reading the body (a 401) leaves nothing to judge.
            read = bool(request_chunks)
            return self.contract.request_problems(
                method, path, query, body, check_body=read and len(body) <= self.max_body_bytes
            )

        async def checked_send(message: JsonDict) -> None:
            nonlocal status, content_type, size
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                size += len(chunk)
                if size <= self.max_body_bytes:
                    chunks.append(chunk)
                if not message.get("more_body", False):
                    problems = request_problems() if check_request else []
                    if size <= self.max_body_bytes:
                        body = b"".join(chunks)
                        problems += self.contract.response_problems(
                            method, path, status, content_type, body
                        )
                    for problem in problems:
                        self.report(f"{method} {path} -> {problem}")
            await send(message)

        await self.app(scope, recording_receive if check_request else receive, checked_send)
