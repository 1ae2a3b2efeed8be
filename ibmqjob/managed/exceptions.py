"""Errors of the job manager, under the original client's names.

::

    IBMQError
    └── IBMQJobManagerError                    base class of the job manager's errors
        ├── IBMQJobManagerInvalidStateError    bad input, or a job set in an unexpected state
        ├── IBMQJobManagerTimeoutError         results did not arrive before the timeout
        ├── IBMQJobManagerJobNotFound          no job holds the experiment asked for
        ├── IBMQManagedResultDataNotAvailable  the experiment's result is not available
        └── IBMQJobManagerUnknownJobSet        no job carries the job set's tag
"""

from __future__ import annotations

from ..exceptions import IBMQError

__all__ = [
    "IBMQJobManagerError",
    "IBMQJobManagerInvalidStateError",
    "IBMQJobManagerJobNotFound",
    "IBMQJobManagerTimeoutError",
    "IBMQJobManagerUnknownJobSet",
    "IBMQManagedResultDataNotAvailable",
]


class IBMQJobManagerError(IBMQError):
    """Base class for errors raised by the job manager."""


class IBMQJobManagerInvalidStateError(IBMQJobManagerError):
    """An operation was invoked with bad input or in an invalid state."""


class IBMQJobManagerTimeoutError(IBMQJobManagerError):
    """A job manager operation timed out."""


class IBMQJobManagerJobNotFound(IBMQJobManagerError):
    """No job of the set holds the experiment asked for."""


class IBMQManagedResultDataNotAvailable(IBMQJobManagerError):
    """The result data of an experiment is not available."""


class IBMQJobManagerUnknownJobSet(IBMQJobManagerError):
    """No job of the provider belongs to the job set ID."""
