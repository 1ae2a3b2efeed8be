"""Selection of backends: by name, size, input type and configuration or status values
(:func:`select_backends`), and the least busy one (:func:`least_busy`, which skips backends
reserved soon, as the original client's did)."""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from qiskit.providers.providerutils import filter_backends

from .exceptions import IBMQError

__all__ = ["least_busy", "select_backends"]

logger = logging.getLogger(__name__)


def select_backends(
    backends: Sequence[Any],
    name: str | None = None,
    filters: Callable[[Any], bool] | None = None,
    min_num_qubits: int | None = None,
    input_allowed: str | list[str] | None = None,
    **kwargs: Any,
) -> list[Any]:
    """Keep the backends that match every criterion, as the original ``backends()`` did.

    Args:
        backends: The backends.
        name: Only the backend of this name.
        filters: Only backends for which this returns ``True``.
        min_num_qubits: Only backends with at least this many qubits.
        input_allowed: Only backends whose ``input_allowed`` has this type, or all of a list.
        kwargs: Configuration or status values (``qiskit``'s ``filter_backends``); a
            ``timeout`` is dropped with a deprecation warning.

    Returns:
        The matching backends, in the order given.

    Raises:
        TypeError: If ``min_num_qubits`` is not an integer or ``input_allowed`` not a string
            or list of strings.
    """
    if "timeout" in kwargs:
        kwargs.pop("timeout")
        warnings.warn(
            "The `timeout` keyword argument is deprecated and ignored.",
            DeprecationWarning,
            stacklevel=3,
        )
    selected = list(backends)
    if name:
        selected = [backend for backend in selected if backend.name() == name]
    if min_num_qubits is not None:
        if isinstance(min_num_qubits, bool) or not isinstance(min_num_qubits, int):
            raise TypeError(f"'min_num_qubits' needs to be an integer, not {min_num_qubits!r}.")
        selected = [b for b in selected if b.configuration().n_qubits >= min_num_qubits]
    if input_allowed:
        wanted = [input_allowed] if isinstance(input_allowed, str) else input_allowed
        if not isinstance(wanted, list) or not all(isinstance(t, str) for t in wanted):
            raise TypeError(
                f"'input_allowed' needs to be a string or a list of strings, not {input_allowed!r}."
            )
        selected = [
            b
            for b in selected
            if set(wanted) <= set(getattr(b.configuration(), "input_allowed", None) or ())
        ]
    result: list[Any] = filter_backends(selected, filters=filters, **kwargs)
    return result


def least_busy(backends: Sequence[Any], reservation_lookahead: int | None = 60) -> Any:
    """Return the least busy backend of a list.

    A backend is a candidate if its status is operational and ``active`` and, for
    ``IBMQBackend`` objects, it has no reservation within the next
    ``reservation_lookahead`` minutes; the candidate with the fewest pending jobs wins.

    Args:
        backends: The backends to choose from.
        reservation_lookahead: Minutes ahead in which a reservation makes a backend
            unavailable; ``None`` (or 0) to ignore reservations.

    Returns:
        The backend with the fewest pending jobs.

    Raises:
        IBMQError: If the list is empty, no backend is available, or a backend's status has
            no ``pending_jobs``.
    """
    if not backends:
        raise IBMQError("Unable to find the least_busy backend from an empty list.")
    candidates: list[tuple[int, Any]] = []
    now = dt.datetime.now()
    try:
        for backend in backends:
            status = backend.status()
            if not status.operational or status.status_msg != "active":
                continue
            # Backends of this SDK (and the original's) know their reservations.
            reservations = getattr(backend, "reservations", None)
            if reservation_lookahead and callable(reservations):
                until = now + dt.timedelta(minutes=reservation_lookahead)
                try:
                    if reservations(now, until):
                        continue
                except IBMQError as err:
                    logger.warning(
                        "Unable to find the reservations of %s; they are not taken into"
                        " account: %s",
                        backend.name(),
                        err,
                    )
            candidates.append((status.pending_jobs, backend))
    except AttributeError as err:
        raise IBMQError(
            "A backend in the list does not have the `pending_jobs` attribute in its status."
        ) from err
    if not candidates:
        raise IBMQError("No backend matches the criteria.")
    return min(candidates, key=lambda item: item[0])[1]
