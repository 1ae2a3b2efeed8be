"""Running a reference server in a thread of the current process (tests, demos).

Example::

    with ServerThread(step_delay=0.0) as server:
        login(server.auth_url, server.demo_token)
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from refserver.app import build_app
from refserver.config import DEFAULT_JOB_LIMIT, DEFAULT_TOKEN_TTL, DEFAULT_URL_TTL, ServerConfig
from refserver.faults import parse_faults
from refserver.state import ServerState
from refserver.users import DEMO_TOKEN, OTHER_TOKEN


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket bound to ``host:port`` (port 0: a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio disables Nagle's algorithm only on sockets whose
    # protocol is TCP, and without that every keep-alive answer waits ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # Listening at once: connections made before the server loop runs wait in the backlog.
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def listening_url(host: str, port: int) -> str:
    """``http://HOST:PORT`` of a listening address (a wildcard address shown as loopback)."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return "http://{}:{}".format(f"[{shown}]" if ":" in shown else shown, port)


class CorkedTransport(asyncio.Transport):
    """A transport whose writes made in one turn of the event loop go out in one send.

    uvicorn writes a response's status line and headers, then its body, then each
    websocket frame, each with its own ``send()`` system call, TCP segment and wake-up of
    the client: on the loopback most of the server's CPU per request. Here the writes
    are joined and sent once the current callback has finished (``call_soon``); closing
    sends what is pending first.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        for data in list_of_data:
            self.write(data)

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for a request's line and headers.

    uvicorn closes idle keep-alive connections but sets no deadline on a request
    that is still arriving: a client sending its headers a byte at a time (slowloris)
    holds its connection for ever. Here a connection must deliver complete headers
    within :attr:`header_timeout` seconds of being opened, or of its first byte after
    a finished request; else it is closed. Bodies have their own deadline
    (``ServerConfig.body_timeout``, checked where they are read).
    """

    header_timeout = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CorkedTransport(transport, self.loop))
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
            self._arm_header_timer()  # a request has begun but its headers are incomplete
        elif self.conn.their_state is not h11.IDLE:
            self._cancel_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def _fast_header_timeout_protocol() -> type[Any] | None:
    """:class:`HeaderTimeoutProtocol` on uvicorn's httptools (C parser) protocol; None
    when httptools is not installed."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return None

    class FastHeaderTimeoutProtocol(HttpToolsProtocol):
        """The header deadline, armed when the connection opens and when a request's
        headers are still incomplete after the bytes received so far, cancelled once
        they are complete. A request whose headers come in one read (nearly all) sets
        no timer."""

        header_timeout = 10.0
        _header_timer: asyncio.TimerHandle | None = None
        _in_headers = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(CorkedTransport(transport, self.loop))
            self._arm_header_timer()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._in_headers:
                self._arm_header_timer()  # a request has begun but its headers are incomplete
            else:
                self._cancel_header_timer()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_headers = True

        def on_headers_complete(self) -> None:
            self._in_headers = False
            self._cancel_header_timer()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_header_timer()
            super().connection_lost(exc)

        def _arm_header_timer(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

        def _cancel_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_late(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.close()

    return FastHeaderTimeoutProtocol


# httptools parses HTTP in C, h11 in Python: about a third of the server's CPU per job.
FAST_PROTOCOL = _fast_header_timeout_protocol()


def uvicorn_server(
    app: Any, log_level: str = "warning", header_timeout: float = 10.0
) -> uvicorn.Server:
    """A uvicorn server for the app, with the sans-I/O websocket implementation.

    Args:
        app: the ASGI application.
        log_level: uvicorn's log level.
        header_timeout: seconds a client has to send a request's headers.
    """
    base: type[Any] = FAST_PROTOCOL or HeaderTimeoutProtocol
    protocol = type("RefserverHttpProtocol", (base,), {"header_timeout": header_timeout})
    config = uvicorn.Config(
        app,
        log_level=log_level,
        http=protocol,
        ws="websockets-sansio",
        lifespan="on",
        access_log=False,
        # No X-Forwarded-* rewriting (the server hands out its configured public URL and
        # never trusts forwarded addresses) and no Server header: less work per request.
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


class ServerThread:
    """A reference server running in a background thread.

    Args:
        data_dir: data directory; None for a temporary one, removed on stop.
        users_file: users YAML file; None for the bundled demo users.
        host: interface to listen on.
        port: port; 0 for a free one.
        step_delay: seconds spent in each of VALIDATING, VALIDATED and QUEUED.
        run_delay: seconds a job stays RUNNING on top of the simulation.
        job_limit: active jobs per project and backend (-1: no limit; None: per backend kind).
        faults: names of deliberate deviations (:mod:`refserver.faults`).
        queue_update_interval: seconds between websocket frames of a QUEUED job.
        startup_timeout: seconds to wait for the server to accept connections.
        **settings: any other :class:`~refserver.config.ServerConfig` field.

    Attributes:
        base_url: ``http://HOST:PORT``.
        auth_url: ``http://HOST:PORT/api`` (auth and API base).
        ws_url: ``ws://HOST:PORT/ws``.
        demo_token, other_token: API tokens of the demo users (None if absent).
        data_dir: the data directory.
        state: the server's components (for test hooks such as maintenance).
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        users_file: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        step_delay: float = 0.0,
        run_delay: float = 0.0,
        job_limit: int | None = DEFAULT_JOB_LIMIT,
        faults: Iterable[str] = (),
        queue_update_interval: float = 0.5,
        token_ttl: int = DEFAULT_TOKEN_TTL,
        url_ttl: int = DEFAULT_URL_TTL,
        startup_timeout: float = 30.0,
        **settings: Any,
    ) -> None:
        self._temporary = data_dir is None
        self.data_dir = (
            Path(tempfile.mkdtemp(prefix="refserver-")) if data_dir is None else Path(data_dir)
        )
        self._config = ServerConfig(
            data_dir=self.data_dir,
            users_file=Path(users_file) if users_file is not None else None,
            step_delay=step_delay,
            run_delay=run_delay,
            job_limit=job_limit,
            faults=parse_faults(faults),
            queue_update_interval=queue_update_interval,
            token_ttl=token_ttl,
            url_ttl=url_ttl,
            **settings,
        )
        self._public_url_given = self._config.public_url
        self._host = host
        self._port = port
        self._startup_timeout = startup_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = port
        self.base_url = self.auth_url = self.ws_url = ""
        self.demo_token: str | None = None
        self.other_token: str | None = None
        self.state: ServerState | None = None

    @property
    def api_url(self) -> str:
        """The API base URL (same as :attr:`auth_url`)."""
        return self.auth_url

    @property
    def config(self) -> ServerConfig:
        """The server's settings."""
        return self._config

    def start(self) -> ServerThread:
        """Start the server and wait until it accepts connections.

        Raises:
            RuntimeError: the server did not start in time.
        """
        self._socket = bind_socket(self._host, self._port)
        self.port = self._socket.getsockname()[1]
        self.base_url = listening_url(self._host, self.port)
        if self._public_url_given is None:
            # Every URL handed out names the listening address (not the request's Host).
            self._config = dataclasses.replace(self._config, public_url=self.base_url)
        app = build_app(self._config)
        self.state = app.state.server
        self.auth_url = self.base_url + "/api"
        self.ws_url = "ws" + self.base_url[4:] + "/ws"
        users = self.state.users
        self.demo_token = DEMO_TOKEN if users.by_api_token(DEMO_TOKEN) else users.token_of("demo")
        self.other_token = (
            OTHER_TOKEN if users.by_api_token(OTHER_TOKEN) else users.token_of("other")
        )
        self._server = uvicorn_server(app, header_timeout=self._config.header_timeout)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="refserver",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the reference server did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server (jobs in progress resume on the next start on the same data dir)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        if self._temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def set_maintenance(self, backend: str, on: bool = True) -> None:
        """Pause (or resume) running the jobs of ``backend``; jobs still queue up."""
        assert self.state is not None, "server not started"
        self.state.scheduler.set_maintenance(backend, on)

    def recalibrate(self, backend: str) -> dict[str, Any]:
        """Store a new calibration of a device, dated now, and return it."""
        assert self.state is not None, "server not started"
        device = self.state.devices.get(backend)
        if device is None:
            raise KeyError(backend)
        return self.state.calibrations.recalibrate(device)[1]

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
