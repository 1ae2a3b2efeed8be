"""Notifications of job changes, from worker threads to websocket handlers (asyncio)."""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict


class Subscription:
    """A websocket handler's interest in one job; :attr:`changed` is set on every change."""

    def __init__(self, job_id: str, loop: asyncio.AbstractEventLoop) -> None:
        self.job_id = job_id
        self.loop = loop
        self.changed = asyncio.Event()


class JobEvents:
    """Thread-safe publish/subscribe of job changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, job_id: str) -> Subscription:
        """Subscribe to a job; call from the event loop that will wait on it."""
        subscription = Subscription(job_id, asyncio.get_running_loop())
        with self._lock:
            self._subscribers[job_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stop notifying a subscription."""
        with self._lock:
            subscribers = self._subscribers.get(subscription.job_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[subscription.job_id]

    def publish(self, job_id: str) -> None:
        """Tell every subscriber of ``job_id`` that the job changed; callable from any thread."""
        with self._lock:
            subscribers = list(self._subscribers.get(job_id, ()))
        for subscription in subscribers:
            try:
                subscription.loop.call_soon_threadsafe(subscription.changed.set)
            except RuntimeError:
                # The subscriber's loop is closed: the server is shutting down.
                pass
