"""Job listing: the LoopBack ``where`` clause of ``jobs()`` and cursor paging. No I/O.

:func:`jobs_where` builds the clause from the arguments of ``jobs()`` as the original client
did (reference section 8.1): the backend name, a status (a ``JobStatus``, its name, or a list
of them), a name regex, a creation date range, tags joined with OR or AND, an experiment id,
and a raw ``db_filter`` merged under the generated clauses.

:func:`fetch_jobs` pages through ``GET /Jobs/status/v/1`` with a cursor instead of ``skip``
(large skips time out on real servers), for job documents and for the id documents of
``GET /Jobs/v/1``: each page after the first asks for jobs created at
or before (after, when ascending) the last job seen, excluding the ids already seen *at that
instant*. The original excluded only the last id, so jobs sharing a creation date across a
page boundary came back twice; excluding every id seen at the boundary instant returns each
job exactly once, with no gap, whatever the server's order among equal dates.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeAlias, TypeVar

from qiskit.providers import JobStatus

from ._tags import validate_tags
from ._time import format_query
from .exceptions import IBMQBackendValueError
from .status import api_status_filter

__all__ = [
    "ACTIVE_STATUSES",
    "UNBOUNDED_PAGE_SIZE",
    "StatusArg",
    "fetch_jobs",
    "jobs_where",
    "validate_job_tags",
]

UNBOUNDED_PAGE_SIZE = 50
"""Page size when ``limit`` is ``None`` or 0 (fetch every matching job)."""

ACTIVE_STATUSES = (
    JobStatus.INITIALIZING,
    JobStatus.VALIDATING,
    JobStatus.QUEUED,
    JobStatus.RUNNING,
)
"""The statuses of jobs that are not final (``active_jobs()``)."""

StatusArg: TypeAlias = JobStatus | str | Sequence[JobStatus | str]


class Listed(Protocol):
    """What cursor paging needs of a listed item: its id and creation date."""

    @property
    def job_id(self) -> str: ...

    @property
    def creation_date(self) -> dt.datetime: ...


_Item = TypeVar("_Item", bound=Listed)


def validate_job_tags(job_tags: object) -> list[str] | None:
    """Check that ``job_tags`` (of ``run()`` and ``jobs()``) is ``None`` or a list of strings.

    Args:
        job_tags: The value given by the user.

    Returns:
        The tags (a copy), or ``None``.

    Raises:
        IBMQBackendValueError: If it is not a list of strings.
    """
    if job_tags is None:
        return None
    # The original client's message, typo included: scripts may match on it.
    return validate_tags(job_tags, "job_tags", message="job_tags needs to be a list or strings.")


def jobs_where(
    *,
    backend_name: str | None = None,
    status: StatusArg | None = None,
    job_name: str | None = None,
    start_datetime: dt.datetime | None = None,
    end_datetime: dt.datetime | None = None,
    job_tags: list[str] | None = None,
    job_tags_operator: str = "OR",
    experiment_id: str | None = None,
    db_filter: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the ``where`` clause of a job listing.

    Args:
        backend_name: Only jobs of this backend.
        status: Only jobs in this status, or in any of these statuses.
        job_name: A regular expression the job name must match (partial match).
        start_datetime: Only jobs created at or after this time (naive: local time).
        end_datetime: Only jobs created at or before this time (naive: local time).
        job_tags: Only jobs with these tags.
        job_tags_operator: ``"OR"``: any of the tags; ``"AND"``: all of them.
        experiment_id: Only jobs of this experiment.
        db_filter: A raw LoopBack ``where`` clause; on a key clash the clauses built from
            the other arguments win, except ``and``/``or`` lists, which are joined.

    Returns:
        The clause (empty when nothing filters).

    Raises:
        IBMQBackendValueError: If an argument has a wrong type or value.
    """
    where: dict[str, Any] = {}
    if backend_name:
        where["backend.name"] = backend_name
    if status is not None:
        where.update(_status_clause(status))
    if job_name is not None:
        where["name"] = {"regexp": _string(job_name, "job_name")}
    where.update(_date_clause(start_datetime, end_datetime))
    tags = validate_job_tags(job_tags)
    if tags:
        where.update(_tags_clause(tags, job_tags_operator))
    if experiment_id is not None:
        where["experimentTag"] = _string(experiment_id, "experiment_id")
    if db_filter:
        where = _merge(db_filter, where)
    return where


def _string(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise IBMQBackendValueError(f"{name} needs to be a string, not {type(value).__name__}.")
    return value


def _status_clause(status: StatusArg) -> dict[str, Any]:
    if isinstance(status, JobStatus | str):
        return api_status_filter(_job_status(status))
    if not isinstance(status, Sequence) or not status:
        raise IBMQBackendValueError(
            f"status needs to be a JobStatus, a status name or a non-empty list of them, "
            f"not {status!r}."
        )
    return {"or": [api_status_filter(_job_status(item)) for item in status]}


def _job_status(value: JobStatus | str) -> JobStatus:
    if isinstance(value, JobStatus):
        return value
    if isinstance(value, str):
        try:
            return JobStatus[value.upper()]
        except KeyError:
            pass
    valid = ", ".join(member.name for member in JobStatus)
    raise IBMQBackendValueError(f'"{value}" is not a valid status value. Valid values are {valid}')


def _date_clause(start: dt.datetime | None, end: dt.datetime | None) -> dict[str, Any]:
    start_iso = None if start is None else _utc_iso(start, "start_datetime")
    end_iso = None if end is None else _utc_iso(end, "end_datetime")
    if start_iso and end_iso:
        return {"creationDate": {"between": [start_iso, end_iso]}}
    if start_iso:
        return {"creationDate": {"gte": start_iso}}
    if end_iso:
        return {"creationDate": {"lte": end_iso}}
    return {}


def _utc_iso(value: object, name: str) -> str:
    if not isinstance(value, dt.datetime):
        raise IBMQBackendValueError(f"{name} needs to be a datetime, not {type(value).__name__}.")
    return format_query(value)  # a naive datetime is taken as local time


def _tags_clause(tags: list[str], operator: object) -> dict[str, Any]:
    name = operator.upper() if isinstance(operator, str) else None
    if name == "OR":
        return {"tags": {"inq": tags}}
    if name == "AND":
        return {"and": [{"tags": tag} for tag in tags]}
    raise IBMQBackendValueError(
        f'"{operator}" is not a valid job_tags_operator value. Valid values are "AND" and "OR"'
    )


def _merge(db_filter: Mapping[str, Any], generated: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(db_filter, Mapping):
        raise IBMQBackendValueError(f"db_filter needs to be a dict, not {db_filter!r}.")
    merged = copy.deepcopy(dict(db_filter))
    for key, value in generated.items():
        if key in ("and", "or") and isinstance(merged.get(key), list):
            merged[key] = value + merged[key]
        else:
            merged[key] = value
    return merged


def fetch_jobs(
    fetch_page: Callable[[dict[str, Any]], list[_Item]],
    where: Mapping[str, Any],
    *,
    limit: int | None = 10,
    skip: int = 0,
    descending: bool = True,
    page_size: int = UNBOUNDED_PAGE_SIZE,
) -> list[_Item]:
    """Fetch jobs matching ``where``, newest first (oldest first if not ``descending``).

    Args:
        fetch_page: Sends one LoopBack filter and returns that page of jobs (job records,
            or any items with a ``job_id`` and a ``creation_date``, e.g. id documents).
        where: The ``where`` clause.
        limit: Most jobs to return; ``None`` or 0 for all of them.
        skip: Jobs to skip at the start (applied to the first page only).
        descending: Order by creation date, newest first.
        page_size: Page size when there is no limit.

    Returns:
        The jobs, each once, in order.

    Raises:
        IBMQBackendValueError: If ``limit`` or ``skip`` is not a non-negative integer.
        ApiError: What ``fetch_page`` raises.
    """
    _check_count(limit, "limit", allow_none=True)
    _check_count(skip, "skip", allow_none=False)
    order = "creationDate DESC" if descending else "creationDate ASC"
    jobs: list[_Item] = []
    seen: set[str] = set()
    boundary: dt.datetime | None = None
    at_boundary: list[str] = []
    while not limit or len(jobs) < limit:
        page_filter: dict[str, Any] = {
            "order": order,
            "limit": limit - len(jobs) if limit else page_size,
        }
        if boundary is None:
            page_filter["where"] = dict(where)
            if skip:
                page_filter["skip"] = skip
        else:
            page_filter["where"] = _after_cursor(where, boundary, at_boundary, descending)
        page = [job for job in fetch_page(page_filter) if job.job_id not in seen]
        if not page:  # the end, or a server that ignores the cursor: never loop forever
            break
        page = page[: limit - len(jobs)] if limit else page
        jobs.extend(page)
        seen.update(job.job_id for job in page)
        last = page[-1].creation_date
        if last != boundary:
            boundary, at_boundary = last, []
        at_boundary.extend(job.job_id for job in page if job.creation_date == last)
    return jobs


def _check_count(value: object, name: str, *, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise IBMQBackendValueError(f"{name} needs to be a non-negative integer, not {value!r}.")


def _after_cursor(
    where: Mapping[str, Any], boundary: dt.datetime, exclude: list[str], descending: bool
) -> dict[str, Any]:
    date = {"lte" if descending else "gte": format_query(boundary)}
    ids = {"nin": list(exclude)}
    clauses = dict(where)
    if "creationDate" not in clauses and "id" not in clauses:
        clauses["creationDate"] = date
        clauses["id"] = ids
        return clauses
    # The user already filters on these keys: both conditions must hold.
    extra = [{"creationDate": date}, {"id": ids}]
    existing = clauses.get("and")
    clauses["and"] = (list(existing) if isinstance(existing, list) else []) + extra
    return clauses
