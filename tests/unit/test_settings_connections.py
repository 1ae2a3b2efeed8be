"""The account's connection pool is sized by ``HttpSettings.connections``."""

from __future__ import annotations

from typing import Any

import pytest

from ibmqjob._api.http import build_client
from ibmqjob.settings import HttpSettings


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "8"])
def test_connections_must_be_a_positive_int(bad: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="connections"):
        HttpSettings(connections=bad)


@pytest.mark.parametrize("connections", [1, 8, 300])
def test_the_pool_keeps_as_many_connections_alive_as_it_allows(connections: int) -> None:
    client = build_client("http://127.0.0.1:1/api", settings=HttpSettings(connections=connections))
    try:
        pool = client._transport._inner._pool._pool  # type: ignore[attr-defined]
        assert pool._limit == connections  # open at once, and all kept alive when idle
    finally:
        client.close()
