"""Evidence of a failure: the HTTP exchanges a check made, redacted, with a curl line each.

:class:`ExchangeLog` wraps an httpx transport (the SDK's and the scenarios' own clients use
it), keeps the last exchanges of the running check, and renders them for the report: the
request line, the status, the relevant part of both bodies, the operation of the spec the
request belongs to, and a ``curl`` line that repeats it. Secrets never reach a report:
access tokens (learned from the headers that carry them and from login answers), API tokens
and URL signatures are replaced by placeholders everywhere in the text (:class:`Redactor`).
"""

from __future__ import annotations

import json
import re
import shlex
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from .specs import JsonDict, operations

__all__ = ["Exchange", "ExchangeLog", "OperationIndex", "Redactor"]

_BODY_SHOWN = 4000
_KEPT = 6
_SIGNATURE = re.compile(r"(signature=)[^&\s'\"]+")
_SECRET_KEYS = ("apiToken", "accessToken", "access_token", "password")
_TOKEN_HEADERS = ("x-access-token", "authorization")


class Redactor:
    """Replaces every secret it knows of, and every URL signature, in a text."""

    def __init__(self, *secrets: str | None) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        for secret in secrets:
            self.learn(secret)

    def learn(self, secret: str | None) -> None:
        """Remember a secret (short strings are ignored: they would blank ordinary text)."""
        if secret and len(secret) >= 8:
            with self._lock:
                self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        """Return ``text`` without secrets."""
        with self._lock:
            known = sorted(self._secrets, key=len, reverse=True)
        for secret in known:
            text = text.replace(secret, "<redacted>")
        text = _SIGNATURE.sub(r"\1<redacted>", text)
        for key in _SECRET_KEYS:
            text = re.sub(rf'("{key}"\s*:\s*)"[^"]*"', r'\1"<redacted>"', text)
        return text


class OperationIndex:
    """Finds the spec operation of a request from its method and path."""

    def __init__(self, openapi: JsonDict, api_base: str) -> None:
        self._base_path = urlsplit(api_base).path.rstrip("/")
        self._routes = []
        for op in operations(openapi):
            parts = re.split(r"(\{[^}]+\})", op.path)
            regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
            self._routes.append((op.method, re.compile(regex + "$"), op.operation_id, op.path))

    def find(self, method: str, url: str) -> str | None:
        """``operationId (METHOD /path)`` of a request, or ``None`` outside the spec."""
        path = urlsplit(url).path
        if self._base_path and path.startswith(self._base_path):
            path = path[len(self._base_path) :]
        for route_method, pattern, operation_id, template in self._routes:
            if route_method == method and pattern.match(path):
                return f"{operation_id} ({method} {template})"
        return None


@dataclass(frozen=True)
class Exchange:
    """One request and its response, as sent and received (not yet redacted)."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int
    response_body: bytes

    def curl(self) -> str:
        """A curl command repeating the request (secrets still in; redact the text)."""
        words = ["curl", "-X", self.method, self.url]
        for name, value in self.request_headers:
            if name.lower() in ("x-access-token", "content-type", "authorization"):
                words += ["-H", f"{name}: {value}"]
        if self.request_body:
            words += ["--data-binary", _shown(self.request_body)]
        return " ".join(shlex.quote(word) for word in words)


def _shown(body: bytes) -> str:
    text = body[:_BODY_SHOWN].decode("utf-8", "replace")
    if len(body) > _BODY_SHOWN:
        text += f"... ({len(body) - _BODY_SHOWN} more bytes not shown)"
    return text


class ExchangeLog:
    """Keeps the last exchanges of the running check.

    Args:
        redactor: Learns the access tokens seen and hides every secret when rendering.
        index: Names the spec operation of each request.
    """

    def __init__(self, redactor: Redactor, index: OperationIndex | None = None) -> None:
        self.redactor = redactor
        self._index = index
        self._exchanges: deque[Exchange] = deque(maxlen=_KEPT)
        self._lock = threading.Lock()

    def transport(self, inner: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        """An httpx transport that logs every exchange going through it."""
        return _LoggingTransport(inner or httpx.HTTPTransport(), self)

    def clear(self) -> None:
        """Forget the exchanges (a new check starts)."""
        with self._lock:
            self._exchanges.clear()

    def add(self, request: httpx.Request, response: httpx.Response) -> None:
        """Log one exchange; learn the access tokens it carries."""
        for name in _TOKEN_HEADERS:
            self.redactor.learn(request.headers.get(name))
        if request.url.path.endswith("/loginWithToken"):
            self.redactor.learn(_login_token(response.content))
        exchange = Exchange(
            request.method,
            str(request.url),
            tuple(request.headers.items()),
            request.content,
            response.status_code,
            response.content,
        )
        with self._lock:
            self._exchanges.append(exchange)

    def render(self, last: int = 3) -> str:
        """The last exchanges as report text, oldest first; empty when there were none."""
        with self._lock:
            chosen = list(self._exchanges)[-last:]
        if not chosen:
            return ""
        blocks = []
        for number, exchange in enumerate(chosen, start=1):
            operation = self._index.find(exchange.method, exchange.url) if self._index else None
            lines = [
                f"exchange {number} of the last {len(chosen)}:"
                f" {exchange.method} {exchange.url} -> HTTP {exchange.status}",
                f"  spec operation: {operation or 'not an operation of the spec'}",
            ]
            if exchange.request_body:
                lines.append("  request body: " + _shown(exchange.request_body))
            lines.append("  response body: " + (_shown(exchange.response_body) or "(empty)"))
            lines.append("  reproduce: " + exchange.curl())
            blocks.append("\n".join(lines))
        return self.redactor("\n".join(blocks))


def _login_token(content: bytes) -> str | None:
    try:
        body: Any = json.loads(content)
    except ValueError:
        return None
    token = body.get("id") if isinstance(body, dict) else None
    return token if isinstance(token, str) else None


class _LoggingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, log: ExchangeLog) -> None:
        self._inner = inner
        self._log = log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        response.read()
        request.read()
        self._log.add(request, response)
        return response

    def close(self) -> None:
        self._inner.close()
