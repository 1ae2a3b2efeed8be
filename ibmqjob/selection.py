"""Selection of backends by name, size, input type and configuration or status values."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from qiskit.providers.providerutils import filter_backends

__all__ = ["select_backends"]


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
