"""A fault-injecting HTTP and websocket proxy on loopback, for tests and the fault run.

The proxy listens on ``127.0.0.1`` and forwards to one upstream server (the reference
server). Started with ``public_url`` set to the proxy's URL, the reference server hands out
URLs (API, status websocket, signed storage) that all lead through the proxy, so every byte
the SDK exchanges can be delayed, cut or replaced. Faults are :class:`Rule` objects matched
on the method and path of each request, in order; the first rule that matches and still has
uses left applies::

    with FaultProxy() as proxy:
        server = ServerThread(public_url=proxy.url).start()
        proxy.set_upstream(server.port)
        proxy.add(Rule("reset_response", method="POST", path="/jobDataUploaded$"))
        ...

Faults (``Rule.fault``):

======================  =================================================================
``delay``               forward, then wait ``seconds`` before answering
``trickle``             forward, then send the answer one byte every ``seconds``
``reset_request``       read the request, then reset the connection (the server never sees it)
``reset_response``      forward (the server acts), send half the answer, reset the connection
``truncate``            forward, send the head and ``size`` bytes of the body (default
                        half), then close: the body is shorter than announced
``status_before``       answer ``status`` without forwarding (the server never sees it)
``status_after``        forward (the server acts), then answer ``status`` instead
``huge``                answer 200 with a body of ``size`` bytes (filler), announced in
                        ``Content-Length`` unless ``announce=False`` (chunked); only ``send``
                        bytes are sent when given, then the connection is closed
``ws_drop``             websocket: relay ``frames`` data frames, then drop the server's data
                        frames (control frames and the close still pass)
``ws_silent``           websocket: relay ``frames`` data frames, then nothing more from the
                        server; the connection stays open
======================  =================================================================

:meth:`FaultProxy.outage` refuses connections for a while (the listening socket is closed and
open connections are reset), as a server that went down would. When the upstream cannot be
reached the proxy answers ``502``. The proxy stops by itself after ``lifetime`` seconds, and
every wait it makes (a delay, a trickle, an upstream read) is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType

__all__ = ["FAULTS", "FaultProxy", "Rule"]

FAULTS = frozenset(
    {
        "delay",
        "trickle",
        "reset_request",
        "reset_response",
        "truncate",
        "status_before",
        "status_after",
        "huge",
        "ws_drop",
        "ws_silent",
    }
)
_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"content-length", b"upgrade"}
_UPSTREAM_TIMEOUT = 60.0
_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Rule:
    """One fault, applied to the requests it matches.

    Attributes:
        fault: One of :data:`FAULTS`.
        method: The HTTP method matched (``None``: any).
        path: A regular expression searched in the request path (query excluded).
        times: How many matching requests get the fault (``None``: all of them).
        skip: Matching requests let through untouched before the fault applies.
        seconds: The delay, or the interval between trickled bytes.
        status: The status of ``status_before``/``status_after``.
        size: The body size of ``huge``; the bytes kept by ``truncate``.
        send: The bytes of a ``huge`` body actually sent (``None``: all).
        announce: Whether ``huge`` announces its size in ``Content-Length``.
        frames: Websocket data frames relayed before ``ws_drop``/``ws_silent`` apply.
        outage: Once the fault is applied, the proxy goes down for this many seconds
            (:meth:`FaultProxy.outage`), as a server restarting after it acted would.
        applied: How many requests got the fault so far.
    """

    fault: str
    method: str | None = None
    path: str = ""
    times: int | None = 1
    skip: int = 0
    seconds: float = 0.0
    status: int = 502
    size: int | None = None
    send: int | None = None
    announce: bool = True
    frames: int = 1
    outage: float = 0.0
    applied: int = 0
    _seen: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.fault not in FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}; one of {sorted(FAULTS)}")
        self._regex = re.compile(self.path)

    def _take(self, method: str, path: str) -> bool:
        """Count a request; whether the fault applies to it."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if not self._regex.search(path):
            return False
        if self.times is not None and self.applied >= self.times:
            return False
        self._seen += 1
        if self._seen <= self.skip:
            return False
        self.applied += 1
        return True


@dataclass
class _Request:
    method: str
    target: str
    path: str
    headers: list[tuple[bytes, bytes]]
    head: bytes
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k == name), None)

    @property
    def upgrade(self) -> bool:
        return (self.header(b"upgrade") or b"").lower() == b"websocket"


@dataclass
class _Response:
    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def head(self, length: int | None = None, chunked: bool = False) -> bytes:
        lines = [b"HTTP/1.1 %d %s" % (self.status, self.reason)]
        lines += [k + b": " + v for k, v in self.headers if k.lower() not in _HOP]
        if chunked:
            lines.append(b"transfer-encoding: chunked")
        else:
            lines.append(b"content-length: %d" % (len(self.body) if length is None else length))
        return b"\r\n".join(lines) + b"\r\n\r\n"


class FaultProxy:
    """The proxy, serving from a thread of its own (see the module docstring).

    Args:
        upstream_port: The upstream server's port on ``127.0.0.1`` (settable later).
        rules: Faults to start with.
        lifetime: Seconds after which the proxy stops by itself.
    """

    def __init__(
        self, upstream_port: int | None = None, rules: Iterable[Rule] = (), lifetime: float = 900.0
    ) -> None:
        self._upstream = upstream_port
        self._rules: list[Rule] = list(rules)
        self._lock = threading.Lock()
        self._lifetime = lifetime
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.applied: Counter[str] = Counter()
        self.requests: list[tuple[str, str]] = []
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._stopping: asyncio.Event | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._outages = 0  # outages in progress

    # ------------------------------------------------------------------ control (any thread)

    def start(self) -> FaultProxy:
        """Start serving; returns at once, listening already."""
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), daemon=True, name="faultproxy"
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        """Stop serving and close every connection."""
        if self._thread is None:
            return
        if self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)
        self._thread = None

    def set_upstream(self, port: int) -> None:
        """Forward to ``127.0.0.1:port`` from now on."""
        self._upstream = port

    def add(self, *rules: Rule) -> None:
        """Append rules (matched after the existing ones)."""
        with self._lock:
            self._rules.extend(rules)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def outage(self, seconds: float) -> None:
        """Refuse connections for ``seconds`` and reset the open ones (returns at once)."""
        self._loop.call_soon_threadsafe(self._start_outage, seconds)

    def wait_up(self, timeout: float = 60.0) -> bool:
        """Wait until no outage is in progress (at most ``timeout`` s); whether it is up."""
        deadline = time.monotonic() + timeout
        while self._outages and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._outages

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ the loop

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main(ready))
        finally:
            self._loop.close()

    async def _main(self, ready: threading.Event) -> None:
        self._stopping = asyncio.Event()
        self._server = await asyncio.start_server(self._serve, sock=self._listener)
        ready.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), self._lifetime)
        self._server.close()
        self._reset_all()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _outage(self, seconds: float) -> None:
        assert self._server is not None
        self._outages += 1
        try:
            if self._outages == 1:
                self._server.close()
            self._reset_all()
            await asyncio.sleep(seconds)
            if self._outages > 1 or (self._stopping is not None and self._stopping.is_set()):
                return
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(128)
            self._server = await asyncio.start_server(self._serve, sock=listener)
        finally:
            self._outages -= 1

    def _start_outage(self, seconds: float) -> None:
        self._loop.create_task(self._outage(seconds))

    def _reset_all(self) -> None:
        for writer in list(self._writers):
            _reset(writer)

    def _match(self, method: str, path: str) -> Rule | None:
        with self._lock:
            self.requests.append((method, path))
            for rule in self._rules:
                if rule._take(method, path):
                    self.applied[rule.fault] += 1
                    if rule.outage > 0:
                        self._loop.call_later(0.05, self._start_outage, rule.outage)
                    return rule
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while await self._one_request(reader, writer):
                pass
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(OSError, RuntimeError):
                writer.close()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Serve one request; whether the connection may carry another."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        request = _parse_request(head)
        length = int(request.header(b"content-length") or b"0")
        request.body = await reader.readexactly(length) if length else b""
        rule = self._match(request.method, request.path)
        fault = rule.fault if rule is not None else None
        if request.upgrade:
            await self._websocket(request, reader, writer, rule)
            return False
        if fault == "reset_request":
            _reset(writer)
            return False
        if fault == "status_before" and rule is not None:
            await _write(writer, _error(rule.status).head() + _error(rule.status).body)
            return True
        if fault == "huge" and rule is not None:
            await self._huge(writer, rule)
            return False
        response = await self._forward(request)
        if rule is None or fault in ("ws_drop", "ws_silent"):
            await _write(writer, response.head() + response.body)
            return True
        return await self._faulty_answer(writer, rule, response)

    async def _faulty_answer(
        self, writer: asyncio.StreamWriter, rule: Rule, response: _Response
    ) -> bool:
        head, body = response.head(), response.body
        if rule.fault == "status_after":
            error = _error(rule.status)
            await _write(writer, error.head() + error.body)
            return True
        if rule.fault == "delay":
            await asyncio.sleep(rule.seconds)
            await _write(writer, head + body)
            return True
        if rule.fault == "reset_response":
            await _write(writer, head + body[: len(body) // 2])
            _reset(writer)
            return False
        if rule.fault == "truncate":
            keep = len(body) // 2 if rule.size is None else min(rule.size, max(len(body) - 1, 0))
            await _write(writer, head + body[:keep])
            return False
        if rule.fault == "trickle":
            await _write(writer, head)
            for index in range(len(body)):
                await asyncio.sleep(rule.seconds)
                await _write(writer, body[index : index + 1])
            return True
        await _write(writer, head + body)
        return True

    async def _huge(self, writer: asyncio.StreamWriter, rule: Rule) -> None:
        size = rule.size or 500 * 2**20
        to_send = size if rule.send is None else min(rule.send, size)
        response = _Response(200, b"OK", [(b"content-type", b"application/json")], b"")
        chunk = b"[" + b" " * (2**16 - 1)
        if rule.announce:
            await _write(writer, response.head(length=size))
        else:
            await _write(writer, response.head(chunked=True))
        sent = 0
        while sent < to_send:
            piece = chunk[: min(len(chunk), to_send - sent)]
            frame = piece if rule.announce else b"%x\r\n%s\r\n" % (len(piece), piece)
            await _write(writer, frame)
            sent += len(piece)
            chunk = b" " * len(chunk)

    # ------------------------------------------------------------------ upstream

    async def _forward(self, request: _Request) -> _Response:
        if self._upstream is None:
            return _error(502)
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self._upstream), 10
            )
        except (OSError, TimeoutError):
            return _error(502)
        try:
            lines = [f"{request.method} {request.target} HTTP/1.1".encode()]
            lines += [k + b": " + v for k, v in request.headers if k not in _HOP]
            lines += [b"content-length: %d" % len(request.body), b"connection: close"]
            writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + request.body)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), _UPSTREAM_TIMEOUT)
        except (OSError, TimeoutError):
            return _error(502)
        finally:
            with contextlib.suppress(OSError, RuntimeError):
                writer.close()
        try:
            return _parse_response(raw)
        except ValueError:
            return _error(502)

    async def _websocket(
        self,
        request: _Request,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        rule: Rule | None,
    ) -> None:
        if self._upstream is None:
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self._upstream), 10
            )
        except (OSError, TimeoutError):
            await _write(writer, _error(502).head() + _error(502).body)
            return
        self._writers.add(up_writer)
        try:
            up_writer.write(request.head)
            await up_writer.drain()
            answer = await asyncio.wait_for(up_reader.readuntil(b"\r\n\r\n"), 10)
            await _write(writer, answer)
            upward = asyncio.ensure_future(_pipe(reader, up_writer))
            try:
                await self._frames(up_reader, writer, rule)
            finally:
                upward.cancel()
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            pass
        finally:
            self._writers.discard(up_writer)
            with contextlib.suppress(OSError, RuntimeError):
                up_writer.close()

    async def _frames(
        self, up_reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rule: Rule | None
    ) -> None:
        """Relay the server's frames to the client, applying a websocket fault."""
        data_frames = 0
        while True:
            frame, opcode = await _read_frame(up_reader)
            is_data = opcode < 8
            if is_data:
                data_frames += 1
            past = rule is not None and data_frames > rule.frames
            if rule is not None and rule.fault == "ws_silent" and past:
                continue
            if rule is not None and rule.fault == "ws_drop" and past and is_data:
                continue
            await _write(writer, frame)


# ---------------------------------------------------------------------- wire helpers


def _parse_request(head: bytes) -> _Request:
    lines = head.split(b"\r\n")
    method, target, _version = lines[0].decode("latin-1").split(" ", 2)
    headers = [_header(line) for line in lines[1:] if line]
    return _Request(method, target, target.split("?", 1)[0], headers, head, b"")


def _header(line: bytes) -> tuple[bytes, bytes]:
    name, _, value = line.partition(b":")
    return name.strip().lower(), value.strip()


def _parse_response(raw: bytes) -> _Response:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no response head")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else b""
    headers = [_header(line) for line in lines[1:] if line]
    encoding = next((v for k, v in headers if k == b"transfer-encoding"), b"")
    if b"chunked" in encoding.lower():
        body = _dechunk(body)
    else:
        length = next((v for k, v in headers if k == b"content-length"), None)
        if length is not None:
            body = body[: int(length)]
    return _Response(status, reason, headers, body)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return bytes(out)


def _error(status: int) -> _Response:
    body = b'{"error": {"message": "injected by the fault proxy", "code": %d}}' % status
    reason = _REASONS.get(status, "Error").encode()
    return _Response(status, reason, [(b"content-type", b"application/json")], body)


async def _write(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(data)
    await asyncio.wait_for(writer.drain(), _UPSTREAM_TIMEOUT)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a crashed peer or middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.CancelledError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


async def _read_frame(reader: asyncio.StreamReader) -> tuple[bytes, int]:
    """One websocket frame as sent (header included) and its opcode."""
    head = await reader.readexactly(2)
    opcode = head[0] & 0x0F
    length = head[1] & 0x7F
    extra = b""
    if length == 126:
        extra = await reader.readexactly(2)
        length = struct.unpack("!H", extra)[0]
    elif length == 127:
        extra = await reader.readexactly(8)
        length = struct.unpack("!Q", extra)[0]
    mask = await reader.readexactly(4) if head[1] & 0x80 else b""
    payload = await reader.readexactly(length)
    return head + extra + mask + payload, opcode
