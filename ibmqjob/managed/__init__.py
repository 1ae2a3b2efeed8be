"""The job manager: many experiments as one set of jobs (``qiskit.providers.ibmq.managed``).

:class:`IBMQJobManager` splits a long list of circuits into jobs within the backend's
``max_experiments``, submits them concurrently (waiting for a free slot when the account's
job limit is reached), and returns a :class:`ManagedJobSet`: its results come back combined
as :class:`ManagedResults`, looked up by experiment name or index. Every job of a set carries
the tag ``ibmq_jobset_<id>`` and the name ``<set name>_<index>_``, as with the original
client, so either client retrieves the other's job sets with
:meth:`IBMQJobManager.retrieve_job_set`.
"""

from .exceptions import (
    IBMQJobManagerError,
    IBMQJobManagerInvalidStateError,
    IBMQJobManagerJobNotFound,
    IBMQJobManagerTimeoutError,
    IBMQJobManagerUnknownJobSet,
    IBMQManagedResultDataNotAvailable,
)
from .ibmqjobmanager import IBMQJobManager
from .managedjob import ManagedJob
from .managedjobset import ManagedJobSet
from .managedresults import ManagedResults

__all__ = [
    "IBMQJobManager",
    "IBMQJobManagerError",
    "IBMQJobManagerInvalidStateError",
    "IBMQJobManagerJobNotFound",
    "IBMQJobManagerTimeoutError",
    "IBMQJobManagerUnknownJobSet",
    "IBMQManagedResultDataNotAvailable",
    "ManagedJob",
    "ManagedJobSet",
    "ManagedResults",
]
