"""Helpers of the fault tests (the server and proxy: ``benchmarks.faultkit.harness``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[T | BaseException, float]:
    """Run ``call``; what it returned or raised, and how long it took."""
    start = time.monotonic()
    try:
        outcome: T | BaseException = call()
    except BaseException as err:  # the caller checks which
        outcome = err
    return outcome, time.monotonic() - start


def in_thread(call: Callable[[], T], limit: float) -> T | BaseException:
    """Run ``call`` in a thread and wait at most ``limit`` seconds for it (a hung call fails
    the test instead of hanging the run)."""
    box: list[T | BaseException] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as err:  # handed to the test
            box.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    if not box:
        pytest.fail(f"the call did not return within {limit} s")
    return box[0]
