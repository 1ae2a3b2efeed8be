"""The per-backend queue: order, removal and positions in O(log n)."""

from __future__ import annotations

import random
import time

from refserver.scheduler import BackendQueue


def test_queue_keeps_key_order_and_positions() -> None:
    queue = BackendQueue("sim")
    keys = list(range(1, 51))
    random.Random(7).shuffle(keys)
    for key in keys:
        queue.push((1, key), f"job-{key}")
    queue.push((0, 99), "resumed-running")  # jobs running before a restart go first
    queue.push((1, 5), "job-5")  # already waiting: ignored
    assert queue.head() == "resumed-running"
    assert queue.position("job-1") == 2 and queue.position("job-50") == 51
    queue.discard("job-1")
    assert queue.position("job-2") == 2 and queue.position("job-1") is None
    assert queue.pop_head() == "resumed-running"
    assert [queue.pop_head() for _ in range(3)] == ["job-2", "job-3", "job-4"]
    assert len(queue.waiting) == 46
    queue.running = queue.pop_head()
    assert queue.running == "job-5"
    queue.push((1, 5), "job-5")  # the running job is not queued again
    assert queue.position("job-5") is None


def test_long_queues_stay_cheap() -> None:
    queue = BackendQueue("sim")
    count = 20_000
    started = time.perf_counter()
    for key in range(count):
        queue.push((1, key), f"job-{key}")
    for key in range(0, count, 7):
        assert queue.position(f"job-{key}") == key + 1
    for key in range(0, count, 2):
        queue.discard(f"job-{key}")
    assert queue.position(f"job-{count - 1}") == count // 2
    elapsed = time.perf_counter() - started
    # A list kept sorted by re-sorting, scanned for positions, takes minutes here.
    assert elapsed < 5.0, elapsed


def test_every_status_is_active_or_final() -> None:
    from refserver import statuses

    stored = {
        value
        for name, value in vars(statuses).items()
        if name.isupper() and isinstance(value, str) and value != statuses.PENDING_IN_QUEUE
    }
    assert stored == (statuses.ACTIVE | statuses.FINAL) - {"ERROR_TRANSPILING_JOB"}
    assert not statuses.ACTIVE & statuses.FINAL
