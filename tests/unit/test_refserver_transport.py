"""The corked transport: writes of one event-loop turn leave in one send."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from refserver.runner import CorkedTransport


class RecordingTransport(asyncio.Transport):
    """A transport that records what is written to it and whether it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.sent.append(bytes(data))
        self.events.append("write")

    def close(self) -> None:
        self.closing = True
        self.events.append("close")

    def abort(self) -> None:
        self.closing = True
        self.events.append("abort")

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0


def run(test: Coroutine[Any, Any, None]) -> None:
    asyncio.run(test)


def test_writes_of_one_turn_are_sent_together_after_it() -> None:
    async def scenario() -> None:
        inner = RecordingTransport()
        corked = CorkedTransport(inner, asyncio.get_running_loop())
        corked.write(b"HTTP/1.1 200 OK\r\n\r\n")
        corked.write(memoryview(b"{}"))
        assert inner.sent == [] and corked.get_write_buffer_size() == 21
        await asyncio.sleep(0)
        assert inner.sent == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
        corked.writelines([b"a", b"b"])
        await asyncio.sleep(0)
        assert inner.sent[1:] == [b"ab"]

    run(scenario())


def test_close_sends_what_is_pending_first_and_abort_drops_it() -> None:
    async def scenario() -> None:
        inner = RecordingTransport()
        corked = CorkedTransport(inner, asyncio.get_running_loop())
        corked.write(b"last frame")
        corked.close()
        assert inner.events == ["write", "close"] and inner.sent == [b"last frame"]
        await asyncio.sleep(0)  # the scheduled flush finds nothing left to send
        assert inner.sent == [b"last frame"]

        other = RecordingTransport()
        aborted = CorkedTransport(other, asyncio.get_running_loop())
        aborted.write(b"never sent")
        aborted.abort()
        await asyncio.sleep(0)
        assert other.events == ["abort"] and aborted.is_closing()

    run(scenario())


def test_nothing_is_written_to_a_transport_already_closing() -> None:
    async def scenario() -> None:
        inner = RecordingTransport()
        corked = CorkedTransport(inner, asyncio.get_running_loop())
        corked.write(b"late")
        inner.closing = True  # the peer went away before the turn ended
        await asyncio.sleep(0)
        assert inner.sent == []

    run(scenario())
