"""Normalising ``IBMQJob`` constructor arguments and serialising a job to simple types.

The constructor accepts what the original did (strings, dicts with snake_case keys) and what
the API layer produces (records, datetimes); everything is stored in one form: aware UTC
datetimes, :class:`~ibmqjob._records.ErrorRecord`, :class:`~ibmqjob._records.InfoQueueRecord`.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from typing import Any

from ._api.records import ErrorRecord, InfoQueueRecord, JobRecord, parse_utc, to_python_identifier
from .exceptions import ApiIBMQProtocolError, IBMQJobApiError, IBMQJobInvalidStateError

__all__ = [
    "client_version",
    "error_record",
    "info_queue_record",
    "iso_utc",
    "job_kwargs",
    "json_safe",
    "tags_to_update",
    "time_per_step_utc",
    "utc",
    "validate_tags",
]

logger = logging.getLogger(__name__)

JOBSET_TAG_PREFIX = "ibmq_jobset_"
"""Tags with this prefix tie a job to its job set: they are never removed."""

# snake_case keys of the legacy mapped ``info_queue`` and their wire names.
_INFO_QUEUE_WIRE = {
    "estimated_start_time": "estimatedStartTime",
    "estimated_complete_time": "estimatedCompleteTime",
    "hub_priority": "hubPriority",
    "group_priority": "groupPriority",
    "project_priority": "projectPriority",
}


def utc(value: str | dt.datetime, what: str) -> dt.datetime:
    """Parse a date-time given to the constructor into aware UTC.

    Raises:
        IBMQJobApiError: If the value is not an ISO-8601 date-time.
    """
    try:
        return parse_utc(value, what)
    except ApiIBMQProtocolError as err:
        raise IBMQJobApiError(err.message) from err


def iso_utc(value: dt.datetime) -> str:
    """Format an aware UTC datetime as the wire does (``...Z``)."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def time_per_step_utc(value: Mapping[str, Any] | None) -> dict[str, dt.datetime] | None:
    """Normalise ``time_per_step`` (step name to ISO string or datetime)."""
    if value is None:
        return None
    return {str(step): utc(when, f"time_per_step.{step}") for step, when in value.items()}


def error_record(value: ErrorRecord | Mapping[str, Any] | str | None) -> ErrorRecord | None:
    """Normalise the job ``error``."""
    if value is None or isinstance(value, ErrorRecord):
        return value
    return ErrorRecord.from_wire(value)


def info_queue_record(value: InfoQueueRecord | Mapping[str, Any] | None) -> InfoQueueRecord | None:
    """Normalise ``info_queue`` given as a record, a wire dict or a snake_case dict.

    Raises:
        IBMQJobApiError: If a field has the wrong type.
    """
    if value is None or isinstance(value, InfoQueueRecord):
        return value
    wire = {_INFO_QUEUE_WIRE.get(key, key): item for key, item in value.items()}
    try:
        return InfoQueueRecord.from_wire(wire)
    except ApiIBMQProtocolError as err:
        raise IBMQJobApiError(err.message) from err


def info_queue_dict(record: InfoQueueRecord | None) -> dict[str, Any] | None:
    """Serialise ``info_queue`` with wire (camelCase) keys."""
    if record is None:
        return None
    out: dict[str, Any] = {
        "status": record.status,
        "position": record.position,
        "estimatedStartTime": _iso_or_none(record.estimated_start_time),
        "estimatedCompleteTime": _iso_or_none(record.estimated_complete_time),
        "hubPriority": record.hub_priority,
        "groupPriority": record.group_priority,
        "projectPriority": record.project_priority,
    }
    out = {key: item for key, item in out.items() if item is not None}
    out.update(json_safe(dict(record.extra)))
    return out


def client_version(info: Mapping[str, str] | None) -> dict[str, str]:
    """Turn ``clientInfo`` into ``{name: version}``; comma lists are zipped for qiskit."""
    if not info:
        return {}
    name, version = info.get("name", ""), info.get("version", "")
    if name.startswith("qiskit"):
        return dict(zip(name.split(","), version.split(","), strict=False))
    return {name or "unknown": version or "unknown"}


def validate_tags(tags: object, what: str) -> list[str]:
    """Check that ``tags`` is a list of strings.

    Raises:
        IBMQJobInvalidStateError: If it is not.
    """
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise IBMQJobInvalidStateError(f"{what} needs to be a list of strings, got {tags!r:.200}.")
    return list(tags)


def tags_to_update(
    job_id: str,
    current: list[str],
    replacement: object,
    additional: object,
    removal: object,
) -> list[str]:
    """Compute the new tags of a job: replace, then add, then remove.

    Job-set tags (``ibmq_jobset_...``) survive a replacement and are never removed. The
    order is stable (current tags first, then new ones) and duplicates collapse.

    Args:
        job_id: The job, for messages.
        current: The current tags.
        replacement: Tags replacing the current ones (``[]`` clears them), or ``None``.
        additional: Tags to add, or ``None``.
        removal: Tags to remove, or ``None``.

    Returns:
        The tags to send.

    Raises:
        IBMQJobInvalidStateError: If no argument is given or one is not a list of strings.
    """
    if replacement is None and additional is None and removal is None:
        raise IBMQJobInvalidStateError(
            "The tags cannot be updated since none of the parameters are specified."
        )
    tags = dict.fromkeys(current)
    if replacement is not None:
        kept = [tag for tag in current if tag.startswith(JOBSET_TAG_PREFIX)]
        tags = dict.fromkeys(validate_tags(replacement, "replacement_tags") + kept)
    if additional is not None:
        tags.update(dict.fromkeys(validate_tags(additional, "additional_tags")))
    for tag in validate_tags(removal, "removal_tags") if removal is not None else []:
        if tag.startswith(JOBSET_TAG_PREFIX):
            logger.warning(
                'The tag "%s" for job %s will not be removed, because it is used internally '
                "by job sets.",
                tag,
                job_id,
            )
        elif tag in tags:
            del tags[tag]
        else:
            logger.warning(
                'The tag "%s" for job %s will not be removed, because it was not found in '
                "the job tags to update %s",
                tag,
                job_id,
                list(tags),
            )
    return list(tags)


def job_kwargs(record: JobRecord) -> dict[str, Any]:
    """Return the ``IBMQJob`` constructor arguments (besides backend and api) of a record."""
    kwargs: dict[str, Any] = {
        "job_id": record.job_id,
        "creation_date": record.creation_date,
        "status": record.status,
        "kind": record.kind,
        "name": record.name,
        "time_per_step": None if record.time_per_step is None else dict(record.time_per_step),
        "result": None if record.result is None else dict(record.result),
        "qobj": None if record.qobj is None else dict(record.qobj),
        "error": record.error,
        "tags": list(record.tags),
        "run_mode": record.run_mode,
        "info_queue": record.info_queue,
        "client_info": None if record.client_info is None else dict(record.client_info),
        "experiment_id": record.experiment_id,
    }
    if record.backend_name is not None:
        kwargs["backend_info"] = {"name": record.backend_name}
    if record.properties is not None:
        kwargs["properties"] = dict(record.properties)
    for key, value in record.extra.items():
        name = {"shots": "api_shots"}.get(key) or to_python_identifier(key)
        kwargs.setdefault(name, value)
    return kwargs


def json_safe(value: Any) -> Any:
    """Convert a value to JSON-safe simple types.

    Complex numbers become ``[real, imag]`` (as on the wire), arrays and numpy scalars
    become lists and numbers, datetimes ISO strings in UTC, enums their value.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, complex):
        return [value.real, value.imag]
    if isinstance(value, dt.datetime):
        return iso_utc(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if hasattr(value, "tolist"):
        return json_safe(value.tolist())
    if hasattr(value, "to_dict"):
        return json_safe(value.to_dict())
    raise TypeError(
        f"Value of type {type(value).__name__} is not JSON serialisable: {value!r:.100}"
    )


def _iso_or_none(value: dt.datetime | None) -> str | None:
    return None if value is None else iso_utc(value)
