"""Waiting for a job whose status websocket is lost: the SDK falls back to polling."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from qiskit.providers import JobStatus

from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, TcpRelay, bell, demo_provider


def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_websocket_lost_mid_wait_falls_back_to_polling(
    server_factory: Callable[..., ServerThread],
) -> None:
    server = server_factory(queue_update_interval=0.2)
    server.set_maintenance(SIMULATOR, True)  # the job stays queued while we cut the socket
    relay = TcpRelay(server.port)
    with demo_provider(server) as provider:
        backend = provider.get_backend(SIMULATOR)
        # The websocket, and only it, goes through the relay (white-box: the URL that
        # /users/me gave is replaced), so cutting the relay loses just the websocket.
        backend._api._ws_url = f"ws://127.0.0.1:{relay.port}/ws"
        job = backend.run(bell(), shots=100, seed_simulator=11)
        seen: list[JobStatus] = []
        outcome: dict[str, Any] = {}

        def wait() -> None:
            try:
                job.wait_for_final_state(
                    timeout=60, callback=lambda _id, status, _job, **_: seen.append(status)
                )
                outcome["counts"] = job.result(timeout=60, wait=0.1).get_counts()
            except Exception as err:  # reported by the assertions below
                outcome["error"] = err

        job._poll_interval = 0.1  # keep the polling fallback fast in the test
        waiter = threading.Thread(target=wait)
        waiter.start()
        _until(lambda: relay.connections >= 1 and relay.relayed_from_server > 300)
        _until(lambda: JobStatus.QUEUED in seen)

        relay.drop()
        time.sleep(0.3)
        assert waiter.is_alive(), "the job cannot finish while the backend is paused"
        server.set_maintenance(SIMULATOR, False)
        waiter.join(60)

    assert not waiter.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert sum(outcome["counts"].values()) == 100
    assert relay.connections == 1, "no websocket after the drop: the end came by polling"
    assert job.status() is JobStatus.DONE
