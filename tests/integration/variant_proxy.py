"""A proxy in front of the reference server that answers in legal but different ways.

The contract allows much the reference server never does. Each variant changes the answers
the way another conformant server might, and the validator must pass them all:

* ``offsets``: every RFC 3339 date is written at ``+02:00`` (the same instant);
* ``extra_fields``: the API's own documents (a job, a user, a hub: the top-level objects of
  an answer, not the free-form maps inside them nor qiskit's documents) carry a field the
  spec does not name;
* ``extra_headers``: answers carry headers the spec does not name;
* ``gzip``: bodies are compressed (``Content-Encoding: gzip``) when the client accepts it;
* ``chunked``: bodies are sent with ``Transfer-Encoding: chunked``, in small pieces;
* ``reordered``: the keys of every JSON object come in reverse order;
* ``ids``: job ids are UUIDs instead of 24 hexadecimal digits (mapped both ways).

The status websocket goes through the proxy too (``urls.ws`` names it): frames are relayed
with their ids mapped, dates moved to ``+02:00`` and keys reordered, and the server's close
code is passed on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from refserver.runner import bind_socket, uvicorn_server

__all__ = ["VARIANTS", "VariantProxy"]

VARIANTS = ("offsets", "extra_fields", "extra_headers", "gzip", "chunked", "reordered", "ids")
_UTC_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")
_JOB_ID = re.compile(r"\b[0-9a-f]{24}\b")
_OFFSET = dt.timezone(dt.timedelta(hours=2))
_QISKIT_DOCUMENTS = ("/devices/", "/objectstorage/", "/properties")
_HOP_HEADERS = {"host", "content-length", "accept-encoding", "connection", "transfer-encoding"}


class VariantProxy:
    """The proxy, run in a thread on a free loopback port.

    Args:
        upstream: The reference server's base URL (``http://127.0.0.1:PORT``).
        variants: Which of :data:`VARIANTS` to apply.
    """

    def __init__(self, upstream: str, variants: Iterable[str] = VARIANTS) -> None:
        self.upstream = upstream.rstrip("/")
        self.variants = frozenset(variants)
        unknown = self.variants - set(VARIANTS)
        if unknown:
            raise ValueError(f"unknown variants {sorted(unknown)}")
        self._to_theirs: dict[str, str] = {}
        self._to_ours: dict[str, str] = {}
        self._lock = threading.Lock()
        self._client: httpx.AsyncClient | None = None
        self._socket = bind_socket("127.0.0.1", 0)
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.ws_base = self.base_url.replace("http://", "ws://")
        self._upstream_ws = self.upstream.replace("http://", "ws://")
        routes = [
            WebSocketRoute("/ws/{path:path}", self._relay),
            Route("/{path:path}", self._forward, methods=["GET", "POST", "PUT", "DELETE"]),
        ]
        self._server = uvicorn_server(Starlette(routes=routes))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def auth_url(self) -> str:
        """The API base to give the validator."""
        return self.base_url + "/api"

    def start(self) -> VariantProxy:
        """Start serving; wait (10 s at most) until it accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the variant proxy did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.should_exit = True
        self._thread.join(10)
        self._socket.close()

    def _theirs(self, text: str) -> str:
        """Our ids back into the reference server's."""
        if "ids" not in self.variants:
            return text
        with self._lock:
            for ours, theirs in self._to_theirs.items():
                text = text.replace(ours, theirs)
        return text

    def _ours(self, theirs: str) -> str:
        with self._lock:
            if theirs not in self._to_ours:
                ours = str(uuid.uuid4())
                self._to_ours[theirs], self._to_theirs[ours] = ours, theirs
            return self._to_ours[theirs]

    async def _forward(self, request: Request) -> Response:
        path = self._theirs(request.scope["raw_path"].decode("latin-1"))
        query = self._theirs(request.url.query)
        body = self._theirs((await request.body()).decode("utf-8", "replace")).encode()
        headers = {
            key: self._theirs(value)
            for key, value in request.headers.items()
            if key.lower() not in _HOP_HEADERS
        }
        if self._client is None:  # made in the server's event loop, kept for its connections
            self._client = httpx.AsyncClient(base_url=self.upstream, timeout=60)
        answer = await self._client.request(
            request.method, path + ("?" + query if query else ""), content=body, headers=headers
        )
        content = answer.content
        if "json" in answer.headers.get("content-type", ""):
            content = self._rewrite(json.loads(content), path).encode()
        return self._response(request, answer, content)

    async def _relay(self, websocket: WebSocket) -> None:
        path = self._theirs(websocket.scope["raw_path"].decode("latin-1"))
        await websocket.accept()
        async with connect(self._upstream_ws + path) as upstream:

            async def inbound() -> None:
                try:
                    while True:
                        await upstream.send(self._theirs(await websocket.receive_text()))
                except WebSocketDisconnect:
                    await upstream.close()

            task = asyncio.create_task(inbound())
            try:
                async for frame in upstream:
                    text = frame if isinstance(frame, str) else frame.decode()
                    try:
                        text = self._rewrite(json.loads(text), "/ws")
                    except ValueError:
                        pass
                    await websocket.send_text(text)
            except ConnectionClosed:
                pass
            finally:
                task.cancel()
            code = upstream.close_code or 1000
        try:
            await websocket.close(code=code)
        except RuntimeError:  # the client closed first
            pass

    def _rewrite(self, document: Any, path: str) -> str:
        own = not any(part in path for part in _QISKIT_DOCUMENTS)
        if isinstance(document, list):
            return json.dumps([self._value(item, own) for item in document])
        return json.dumps(self._value(document, own))

    def _value(self, value: Any, document: bool = False) -> Any:
        if isinstance(value, dict):
            items = [(key, self._value(item)) for key, item in value.items()]
            if "extra_fields" in self.variants and document:
                items.append(("x-vendor-extension", {"note": "a field the spec does not name"}))
            if "reordered" in self.variants:
                items.reverse()
            return dict(items)
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, str):
            return self._string(value)
        return value

    def _string(self, text: str) -> str:
        text = text.replace(self.upstream, self.base_url)
        text = text.replace(self._upstream_ws, self.ws_base)
        if "offsets" in self.variants and _UTC_DATE.match(text):
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            text = moment.astimezone(_OFFSET).isoformat(timespec="milliseconds")
        if "ids" in self.variants:
            text = _JOB_ID.sub(lambda match: self._ours(match.group()), text)
        return text

    def _response(self, request: Request, answer: httpx.Response, content: bytes) -> Response:
        headers = {"content-type": answer.headers.get("content-type", "application/json")}
        if "extra_headers" in self.variants:
            headers |= {"x-request-id": str(uuid.uuid4()), "x-vendor": "variant", "server": "v"}
        if "gzip" in self.variants and "gzip" in request.headers.get("accept-encoding", ""):
            content = gzip.compress(content)
            headers["content-encoding"] = "gzip"
        if "chunked" not in self.variants:
            return Response(content, status_code=answer.status_code, headers=headers)

        async def pieces() -> AsyncIterator[bytes]:
            for start in range(0, len(content), 512):
                yield content[start : start + 512]

        return StreamingResponse(pieces(), status_code=answer.status_code, headers=headers)
