"""Record the HTTP exchanges of a client (``requests`` or ``httpx``) for the legacy driver.

Used by ``legacy_driver`` in either virtualenv; it imports the HTTP library it wraps only when
asked to, so that each client's interpreter needs only its own.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

_BODY_LIMIT = 2000


class HttpTrace:
    """Records every HTTP exchange the client makes, through ``requests`` or ``httpx``.

    The original client speaks through ``requests`` (``HTTPAdapter.send`` is wrapped), ibmqjob
    through ``httpx`` (``HTTPTransport.handle_request`` is wrapped); both sit below the
    clients' retries, so every attempt is one exchange. Only method, path, status and time are
    kept for successful exchanges; for error statuses the response body is kept too (it carries
    the server's error envelope). Login responses are never recorded because their body is the
    access token.
    """

    def __init__(self) -> None:
        self.exchanges: list[dict[str, Any]] = []

    def install(self, client: str) -> None:
        """Wrap the HTTP library of ``client`` so that all its traffic passes through ``_record``.

        Args:
            client: ``"legacy"`` (``requests``) or ``"ibmqjob"`` (``httpx``).
        """
        if client == "legacy":
            self._install_requests()
        else:
            self._install_httpx()

    def _install_requests(self) -> None:
        import requests

        trace = self
        original = requests.adapters.HTTPAdapter.send

        def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                response = original(adapter, request, *args, **kwargs)
            except Exception as exc:
                trace._record(request.method, request.url, request.body, None, started, exc)
                raise
            trace._record(
                request.method, request.url, request.body, _Answer(response), started, None
            )
            return response

        # The wrapper takes and returns whatever the library's method does (Any), so it is set
        # as a plain attribute rather than type-checked against the method it stands in for.
        setattr(requests.adapters.HTTPAdapter, "send", send)  # noqa: B010

    def _install_httpx(self) -> None:
        import httpx

        trace = self
        original = httpx.HTTPTransport.handle_request

        def handle_request(transport: Any, request: Any) -> Any:
            started = time.monotonic()
            try:
                response = original(transport, request)
            except Exception as exc:
                trace._record(request.method, str(request.url), None, None, started, exc)
                raise
            body = None
            if response.status_code >= 400:
                response.read()  # the body is small (an error envelope); httpx keeps it
                body = request.content
            trace._record(request.method, str(request.url), body, _Answer(response), started, None)
            return response

        setattr(httpx.HTTPTransport, "handle_request", handle_request)  # noqa: B010

    def _record(
        self,
        method: str,
        url: str,
        request_body: Any,
        response: _Answer | None,
        started: float,
        exc: Exception | None,
    ) -> None:
        parts = urlsplit(url)
        path = parts.path
        if parts.query and "signature=" not in parts.query:
            path = f"{path}?{parts.query}"
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "status": response.status_code if response is not None else None,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
        if exc is not None or response is None:
            entry["exception"] = f"{type(exc).__name__}: {exc}"
        elif response.status_code >= 400 and path.endswith("loginWithToken"):
            # The request carries the API token: keep only the shape of the answer.
            entry["response_body"] = _redacted_login_error(response.text())
        elif response.status_code >= 400:
            entry["request_body"] = _text(request_body)
            entry["response_body"] = response.text()[:_BODY_LIMIT]
        self.exchanges.append(entry)

    def mark(self) -> int:
        """Return a position in the trace, to slice the exchanges of one scenario."""
        return len(self.exchanges)

    def summary(self, start: int) -> dict[str, Any]:
        """Summarise the exchanges recorded since ``start``.

        Args:
            start: A value returned by ``mark``.

        Returns:
            The number of requests, the requests per method and path template, and every
            exchange that failed or answered with an error status.
        """
        exchanges = self.exchanges[start:]
        per_route: dict[str, int] = {}
        for entry in exchanges:
            key = f"{entry['method']} {_template(entry['path'])}"
            per_route[key] = per_route.get(key, 0) + 1
        failures = [e for e in exchanges if e["status"] is None or e["status"] >= 400]
        return {"requests": len(exchanges), "per_route": per_route, "failures": failures}


class _Answer:
    """The status and (for error statuses) the text of a ``requests`` or ``httpx`` response."""

    def __init__(self, response: Any) -> None:
        self.status_code: int = response.status_code
        self._response = response

    def text(self) -> str:
        return str(self._response.text)


def _text(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return str(body)[:_BODY_LIMIT]


def _redacted_login_error(text: str) -> str:
    """Return a failed login's error envelope with its message left out."""
    try:
        error = json.loads(text)["error"]
        return json.dumps({"error": {k: v for k, v in error.items() if k != "message"}})
    except (ValueError, KeyError, TypeError):
        return "<not JSON>"


def _template(path: str) -> str:
    """Replace job ids and query strings so that per-route counts aggregate."""
    path = path.split("?", 1)[0]
    segments = []
    for segment in path.split("/"):
        if len(segment) == 24 and all(c in "0123456789abcdef" for c in segment):
            segment = "{job_id}"
        segments.append(segment)
    return "/".join(segments)
