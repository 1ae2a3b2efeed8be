"""The pure retry policy: what is retried, budgets, backoff, jitter and Retry-After."""

from __future__ import annotations

import datetime as dt

import pytest

from ibmqjob._api.retry import Attempt, Failure, is_retryable, next_delay, parse_retry_after
from ibmqjob.settings import RetryPolicy

POLICY = RetryPolicy()
NO_JITTER = RetryPolicy(jitter=0)


def zero() -> float:
    return 0.0


@pytest.mark.parametrize(
    ("method", "attempt", "post_safe", "retryable"),
    [
        ("GET", Attempt(failure=Failure.CONNECT), False, True),
        ("POST", Attempt(failure=Failure.CONNECT), False, True),
        ("GET", Attempt(failure=Failure.READ), False, True),
        ("POST", Attempt(failure=Failure.READ), False, False),
        ("POST", Attempt(failure=Failure.READ), True, True),
        ("PUT", Attempt(status_code=500), False, True),
        ("DELETE", Attempt(status_code=502), False, True),
        ("get", Attempt(status_code=504), False, True),
        ("GET", Attempt(status_code=520), False, True),
        ("GET", Attempt(status_code=522), False, True),
        ("GET", Attempt(status_code=524), False, True),
        ("POST", Attempt(status_code=500), False, False),
        ("POST", Attempt(status_code=524), False, False),
        ("POST", Attempt(status_code=502), True, True),
        ("POST", Attempt(status_code=429), False, True),
        ("POST", Attempt(status_code=503), False, True),
        ("GET", Attempt(status_code=400), False, False),
        ("GET", Attempt(status_code=401), False, False),
        ("GET", Attempt(status_code=404), False, False),
        ("POST", Attempt(status_code=409), True, False),
        ("GET", Attempt(status_code=501), False, False),
    ],
)
def test_what_is_retryable(method: str, attempt: Attempt, post_safe: bool, retryable: bool) -> None:
    assert is_retryable(POLICY, method, attempt, post_safe=post_safe) is retryable
    delay = next_delay(POLICY, method, [attempt], post_safe=post_safe, rand=zero)
    assert (delay is not None) is retryable


def test_backoff_doubles_to_the_cap() -> None:
    attempts: list[Attempt] = []
    delays = []
    for _ in range(8):
        attempts.append(Attempt(status_code=502))
        delays.append(next_delay(RetryPolicy(total=10), "GET", attempts, rand=zero))
    assert delays == [0.5, 1, 2, 4, 8, 8, 8, 8]


def test_total_budget() -> None:
    attempts = [Attempt(status_code=500)] * 5
    assert next_delay(POLICY, "GET", attempts, rand=zero) == 8
    assert next_delay(POLICY, "GET", [*attempts, Attempt(status_code=500)], rand=zero) is None
    assert next_delay(RetryPolicy(total=0), "GET", [Attempt(status_code=500)]) is None


def test_connect_budget_counts_connection_failures_only() -> None:
    connect = Attempt(failure=Failure.CONNECT)
    assert next_delay(POLICY, "GET", [connect] * 3, rand=zero) is not None
    assert next_delay(POLICY, "GET", [connect] * 4, rand=zero) is None
    mixed = [Attempt(status_code=502), Attempt(status_code=502), connect, connect]
    assert next_delay(POLICY, "GET", mixed, rand=zero) is not None


def test_jitter_only_shortens() -> None:
    policy = RetryPolicy(jitter=0.25)
    attempts = [Attempt(status_code=503)] * 3
    assert next_delay(policy, "GET", attempts, rand=zero) == 2
    assert next_delay(policy, "GET", attempts, rand=lambda: 0.999999) == pytest.approx(1.5, 1e-4)
    assert next_delay(policy, "GET", attempts, rand=lambda: 0.5) == 1.75


def test_retry_after_is_honoured_and_capped() -> None:
    now = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    delay = next_delay(NO_JITTER, "POST", [Attempt(status_code=429, retry_after="3")], now=now)
    assert delay == 3
    capped = next_delay(NO_JITTER, "GET", [Attempt(status_code=503, retry_after="3600")])
    assert capped == NO_JITTER.retry_after_max
    date = "Wed, 01 May 2024 12:00:07 GMT"
    assert next_delay(NO_JITTER, "GET", [Attempt(503, retry_after=date)], now=now) == 7
    garbage = next_delay(NO_JITTER, "GET", [Attempt(503, retry_after="soon")], rand=zero)
    assert garbage == 0.5  # unparsable: plain backoff
    ignored = next_delay(NO_JITTER, "GET", [Attempt(502, retry_after="30")], rand=zero)
    assert ignored == 0.5  # Retry-After only matters for 429 and 503


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 11:00:00 GMT", 0.0),
        ("nan", None),
        ("inf", None),
        ("", None),
        ("tomorrow", None),
    ],
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    now = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    assert parse_retry_after(value, now) == seconds


def test_policy_validation() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(total=-1)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=2)
    with pytest.raises(ValueError):
        RetryPolicy(backoff_max=-1)
    with pytest.raises(ValueError, match="at least one"):
        next_delay(POLICY, "GET", [])
