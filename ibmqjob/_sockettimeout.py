"""The timeout of a socket read (or write) bounded by a wait, set as seldom as it can be.

Setting a socket's timeout is a system call, and every system call lets the other threads
take the interpreter: with many requests in flight that hand-over costs more than the call.
A wait's bound (a read timeout, or the time left before a deadline) changes a little from
one read to the next, so :func:`fit_timeout` keeps the timeout in force while it is no
longer than the wait and at least a quarter of it, and otherwise sets one a second shorter
than a long wait (a wait of 2 s or less exactly). A read whose timeout runs out before its
wait does waits for the rest: the caller's loop (the status websocket) or
``_DeadlineMixin`` (the HTTP transport) does that, so no read ends earlier than its wait,
nor later.

No import from ``ibmqjob``: the transport and the status websocket share it.
"""

from __future__ import annotations

import socket

__all__ = ["fit_timeout"]

SETTLE = 1.0
"""Seconds a timeout set for a long wait is shorter than the wait."""


def fit_timeout(sock: socket.socket, wait: float | None) -> float | None:
    """Give ``sock`` a timeout for a read of at most ``wait`` seconds (``None``: no limit).

    Returns:
        The timeout in force: ``None`` when ``wait`` is ``None``, else at most ``wait``.
    """
    kept = sock.gettimeout()
    if wait is None:
        if kept is not None:
            sock.settimeout(None)
        return None
    if kept is not None and wait / 4 <= kept <= wait:
        return kept
    chosen = wait - SETTLE if wait > 2 * SETTLE else wait
    sock.settimeout(chosen)
    return chosen
