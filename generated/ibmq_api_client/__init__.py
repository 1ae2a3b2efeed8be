"""A client library for accessing IBM Quantum legacy job API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
