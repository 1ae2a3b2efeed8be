"""The public settings: frozen policies, checked on construction, one backoff formula."""

from __future__ import annotations

from typing import Any

import pytest

from ibmqjob.settings import HttpSettings, RetryPolicy, TimeSource, WebsocketPolicy


@pytest.mark.parametrize("retries_done", range(8))
def test_retries_and_reconnections_share_one_backoff_formula(retries_done: int) -> None:
    expected = min(8.0, 0.5 * 2**retries_done)
    assert WebsocketPolicy().backoff(retries_done) == expected
    assert RetryPolicy().backoff(retries_done, rand=lambda: 0.0) == expected
    # The HTTP retries shorten it by up to ``jitter`` at random, never lengthen it.
    assert RetryPolicy(jitter=0.25).backoff(retries_done, rand=lambda: 0.999) >= expected * 0.75


def test_the_formula_follows_each_policy_s_tunables() -> None:
    policy = WebsocketPolicy(backoff_factor=0.1, backoff_max=0.3)
    assert [policy.backoff(n) for n in range(4)] == [0.1, 0.2, 0.3, 0.3]
    assert RetryPolicy(backoff_factor=0, jitter=0).backoff(5) == 0
    assert WebsocketPolicy().backoff(10_000) == 8.0  # no overflow on long outages


@pytest.mark.parametrize(
    ("make", "kwargs", "message"),
    [
        (RetryPolicy, {"total": -1}, "budgets"),
        (RetryPolicy, {"backoff_max": -1}, "Backoff"),
        (RetryPolicy, {"jitter": 2}, "jitter"),
        (WebsocketPolicy, {"retries": -1}, "retries"),
        (WebsocketPolicy, {"backoff_factor": -0.5}, "Backoff"),
        (WebsocketPolicy, {"open_timeout": 0}, "open_timeout"),
        (WebsocketPolicy, {"ping_interval": "20"}, "ping_interval"),
        (HttpSettings, {"connect_timeout": 0}, "connect_timeout"),
        (HttpSettings, {"read_timeout": -1}, "read_timeout"),
        (HttpSettings, {"policy": {"total": 3}}, "RetryPolicy"),
        (HttpSettings, {"time": 5}, "TimeSource"),
        (HttpSettings, {"max_response_bytes": 0}, "max_response_bytes"),
        (HttpSettings, {"max_result_bytes": 1.5}, "max_result_bytes"),
        (HttpSettings, {"submit_timeout": -1}, "submit_timeout"),
        (WebsocketPolicy, {"silence_check": 0}, "silence_check"),
        (WebsocketPolicy, {"close_timeout": 0}, "close_timeout"),
        (TimeSource, {"sleep": 1.0}, "callables"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_error(
    make: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make(**kwargs)


def test_defaults_and_no_read_timeout() -> None:
    settings = HttpSettings(read_timeout=None)
    assert settings.read_timeout is None
    assert settings.time == TimeSource()
    assert settings.policy == RetryPolicy() and settings.websocket == WebsocketPolicy()


def test_limits_and_deadline_defaults() -> None:
    settings = HttpSettings()
    assert (settings.max_response_bytes, settings.max_result_bytes) == (64 * 2**20, 256 * 2**20)
    assert settings.submit_timeout == 300.0
    assert HttpSettings(submit_timeout=None).submit_timeout is None
    assert WebsocketPolicy().silence_check == 10.0
    assert WebsocketPolicy(silence_check=None).silence_check is None
