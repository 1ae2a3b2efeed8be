"""``enable_account(use_websocket=False)``: jobs wait by polling only, for networks that block
websockets; by default they wait on the status websocket."""

from __future__ import annotations

from typing import Any

import pytest

from ibmqjob.account import IBMQFactory
from ibmqjob.settings import default_websocket_connect, session_defaults
from refserver.runner import ServerThread
from tests.integration.sdk_support import SIMULATOR, bell


@pytest.mark.parametrize("use_websocket", [True, False])
def test_websocket_switch(reference_server: ServerThread, use_websocket: bool) -> None:
    connections: list[str] = []
    real_connect = default_websocket_connect()

    def counting_connect(uri: str, *args: Any, **kwargs: Any) -> Any:
        connections.append(uri)
        return real_connect(uri, *args, **kwargs)

    factory = IBMQFactory()
    assert reference_server.demo_token is not None
    with session_defaults(websocket_connect=counting_connect):
        provider = factory.enable_account(
            reference_server.demo_token, reference_server.auth_url, use_websocket=use_websocket
        )
    try:
        job = provider.get_backend(SIMULATOR).run(bell(), shots=64, seed_simulator=5)
        counts = job.result(wait=0.05).get_counts()
    finally:
        factory.disable_account()

    assert sum(counts.values()) == 64
    if use_websocket:
        assert connections and connections[0].endswith(f"/jobs/{job.job_id()}/status/v/1")
    else:
        assert connections == []
