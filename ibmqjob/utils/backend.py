"""Backend helpers under the original client's names (``qiskit.providers.ibmq.utils.backend``)."""

from ..backendreservation import convert_reservation_data

__all__ = ["convert_reservation_data"]
