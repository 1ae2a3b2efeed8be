"""How a job set shows on the server: its ID tag and its jobs' names (the original's format).

A job set's ID is ``<uuid4 hex>-<time.time() without the dot>``; every job of the set carries
the tag ``ibmq_jobset_<ID>_`` and the name ``<set name>_<index>_``. Both clients parse these,
so they must not change.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from typing import TypeVar

from .._tags import JOBSET_TAG_PREFIX

__all__ = [
    "JOB_SET_NAME_RE",
    "job_name",
    "new_job_set_id",
    "parse_job_name",
    "split_experiments",
    "tag_of",
]

JOB_SET_NAME_RE = re.compile(r"(.*)_([0-9]+)_$")
"""A job name of a job set: group 1 is the set's name, group 2 the job's index in the set."""

_T = TypeVar("_T")


def new_job_set_id() -> str:
    """A new job set ID, unique across clients and time."""
    return uuid.uuid4().hex + "-" + str(time.time()).replace(".", "")


def tag_of(job_set_id: str) -> str:
    """The tag every job of the set carries."""
    return f"{JOBSET_TAG_PREFIX}{job_set_id}_"


def job_name(set_name: str, index: int) -> str:
    """The name of the job at ``index`` of the set named ``set_name``."""
    return f"{set_name}_{index}_"


def parse_job_name(name: str | None) -> tuple[str, int] | None:
    """``(set name, index)`` of a job set member's name; ``None`` if it is not one."""
    matched = JOB_SET_NAME_RE.match(name or "")
    if matched is None:
        return None
    return matched.group(1), int(matched.group(2))


def split_experiments(experiments: Sequence[_T], chunk_size: int) -> list[list[_T]]:
    """Cut ``experiments`` into consecutive chunks of at most ``chunk_size``, in order."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    return [list(experiments[i : i + chunk_size]) for i in range(0, len(experiments), chunk_size)]
