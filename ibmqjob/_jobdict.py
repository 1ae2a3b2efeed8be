"""The dict forms of a job: legacy constructor arguments, ``to_dict()`` and ``from_dict()``.

An ``IBMQJob`` holds one :class:`~ibmqjob._api.records.JobRecord`. This module is the only place
that turns the other forms into a record and back:

* the keyword arguments of the original ``IBMQJob`` constructor (strings or datetimes,
  snake_case dicts, extra attributes) become a record (:func:`record_from_kwargs`);
* ``to_dict()`` writes the record and what the job observed since as simple JSON-safe types
  (:func:`job_dict`), and ``from_dict()`` reads that back as constructor arguments
  (:func:`kwargs_from_dict`);
* job attributes the record does not model are read with a trailing underscore
  (``job.summary_data_``); :func:`extra_attributes` names them.

Attribute names follow the original client: the wire key in snake_case (``summaryData`` ->
``summary_data``), ``shots`` -> ``api_shots``, ``backend`` -> ``backend_info`` (``{"name": ...}``)
and ``calibration`` -> ``properties``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

from ._api.records import (
    ErrorRecord,
    InfoQueueRecord,
    JobRecord,
    parse_utc,
    to_python_identifier,
)
from .exceptions import ApiIBMQProtocolError, IBMQJobApiError, IBMQJobInvalidStateError

__all__ = [
    "REQUIRED_KEYS",
    "client_version",
    "extra_attributes",
    "iso_utc",
    "job_dict",
    "json_safe",
    "kwargs_from_dict",
    "record_from_kwargs",
]

REQUIRED_KEYS = ("job_id", "creation_date", "status")
"""The keys without which a dict cannot become a job."""

# Names of the attributes a record models (constructor arguments and ``to_dict()`` keys): an
# extra wire key with one of these names is not an extra attribute.
_MODELLED = frozenset(
    {
        "job_id",
        "creation_date",
        "status",
        "kind",
        "name",
        "time_per_step",
        "result",
        "qobj",
        "error",
        "tags",
        "run_mode",
        "info_queue",
        "client_info",
        "experiment_id",
    }
)

# Attribute names of extra wire keys that the original client renamed.
_RENAMED = {"shots": "api_shots"}

# snake_case keys of the legacy ``info_queue`` and their wire names.
_INFO_QUEUE_WIRE = {
    "estimated_start_time": "estimatedStartTime",
    "estimated_complete_time": "estimatedCompleteTime",
    "hub_priority": "hubPriority",
    "group_priority": "groupPriority",
    "project_priority": "projectPriority",
}


def record_from_kwargs(
    job_id: str,
    creation_date: str | dt.datetime,
    status: str,
    kind: str | None = None,
    name: str | None = None,
    time_per_step: Mapping[str, str | dt.datetime] | None = None,
    result: Mapping[str, Any] | None = None,
    qobj: Mapping[str, Any] | None = None,
    error: Mapping[str, Any] | ErrorRecord | str | None = None,
    tags: list[str] | None = None,
    run_mode: str | None = None,
    **kwargs: Any,
) -> JobRecord:
    """Build the record of the original constructor's arguments.

    Args:
        job_id: Job ID.
        creation_date: Creation date, UTC (ISO-8601 string or datetime).
        status: The API status string.
        kind: Job type.
        name: Job name.
        time_per_step: Step name to UTC date-time (string or datetime).
        result: The result document.
        qobj: The Qobj document.
        error: ``{"message": str, "code": int}``, a record, or a bare message.
        tags: Job tags.
        run_mode: Scheduling mode.
        kwargs: ``info_queue`` (wire or snake_case keys), ``client_info``,
            ``experiment_id``, ``backend_info`` (``{"name": ...}``), ``properties``, and any
            other attribute, kept as an extra.

    Returns:
        The record.

    Raises:
        IBMQJobApiError: If a date or the queue information is malformed.
    """
    backend_name = _backend_name(kwargs.get("backend_info"))
    if backend_name is not None:
        del kwargs["backend_info"]
    properties = kwargs.get("properties")
    if isinstance(properties, Mapping):
        del kwargs["properties"]
    else:
        properties = None
    client_info = kwargs.pop("client_info", None)
    return JobRecord(
        job_id=job_id,
        creation_date=_utc(creation_date, "creation_date"),
        status=status,
        kind=kind,
        backend_name=backend_name,
        name=name,
        tags=tuple(tags or ()),
        time_per_step=None
        if time_per_step is None
        else {
            str(step): _utc(when, f"time_per_step.{step}") for step, when in time_per_step.items()
        },
        error=_error_record(error),
        run_mode=run_mode,
        client_info=None if client_info is None else dict(client_info),
        experiment_id=kwargs.pop("experiment_id", None),
        info_queue=_info_queue_record(kwargs.pop("info_queue", None)),
        qobj=qobj,
        result=result,
        properties=properties,
        extra=kwargs,
    )


def kwargs_from_dict(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the constructor arguments (besides backend and api) of a ``to_dict()`` output.

    Raises:
        IBMQJobInvalidStateError: If ``data`` lacks ``job_id``, ``creation_date`` or
            ``status``.
    """
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise IBMQJobInvalidStateError(
            f"Cannot build a job from a dictionary without {', '.join(missing)}."
        )
    return {key: value for key, value in data.items() if key not in ("backend", "api")}


def extra_attributes(record: JobRecord) -> dict[str, Any]:
    """Return the job attributes the record does not model, by name (without the ``_``)."""
    attributes: dict[str, Any] = {}
    if record.backend_name is not None:
        attributes["backend_info"] = {"name": record.backend_name}
    if record.properties is not None:
        attributes["properties"] = record.properties
    for key, value in record.extra.items():
        name = _RENAMED.get(key) or to_python_identifier(key)
        if name not in _MODELLED:
            attributes.setdefault(name, value)
    return attributes


def job_dict(
    record: JobRecord,
    api_status: str,
    info_queue: InfoQueueRecord | None,
    qobj: Mapping[str, Any] | None,
    result: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Serialise a job to JSON-safe simple types (what ``to_dict()`` returns).

    Args:
        record: The latest job document.
        api_status: The status last observed (it may be newer than the record's).
        info_queue: The queue information last observed, if the job is queued.
        qobj: The Qobj document.
        result: The result document.

    Returns:
        The dict; :func:`kwargs_from_dict` reads it back.
    """
    out: dict[str, Any] = {
        "job_id": record.job_id,
        "creation_date": iso_utc(record.creation_date),
        "status": api_status,
        "kind": record.kind,
        "name": record.name,
        "time_per_step": None
        if record.time_per_step is None
        else {step: iso_utc(when) for step, when in record.time_per_step.items()},
        "result": json_safe(result),
        "qobj": json_safe(qobj),
        "error": None if record.error is None else _error_dict(record.error),
        "tags": list(record.tags),
        "run_mode": record.run_mode,
        "info_queue": _info_queue_dict(info_queue),
        "client_info": None if record.client_info is None else dict(record.client_info),
        "experiment_id": record.experiment_id,
        "share_level": None,
    }
    out.update(json_safe(extra_attributes(record)))
    return out


def client_version(info: Mapping[str, str] | None) -> dict[str, str]:
    """Turn ``clientInfo`` into ``{name: version}``; comma lists are zipped for qiskit."""
    if not info:
        return {}
    name, version = info.get("name", ""), info.get("version", "")
    if name.startswith("qiskit"):
        return dict(zip(name.split(","), version.split(","), strict=False))
    return {name or "unknown": version or "unknown"}


def iso_utc(value: dt.datetime) -> str:
    """Format an aware UTC datetime as the wire does (``...Z``)."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def json_safe(value: Any) -> Any:
    """Convert a value to JSON-safe simple types.

    Complex numbers become ``[real, imag]`` (as on the wire), arrays and numpy scalars
    become lists and numbers, datetimes ISO strings in UTC, enums their value.

    Raises:
        TypeError: If the value has no simple form.
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


# ----------------------------------------------------------------------------- helpers


def _utc(value: str | dt.datetime, what: str) -> dt.datetime:
    try:
        return parse_utc(value, what)
    except ApiIBMQProtocolError as err:
        raise IBMQJobApiError(err.message) from err


def _backend_name(value: object) -> str | None:
    # ``{"name": ...}`` is what to_dict() writes; anything else stays an extra attribute.
    if isinstance(value, Mapping) and set(value) == {"name"} and isinstance(value["name"], str):
        return value["name"]
    return None


def _error_record(value: ErrorRecord | Mapping[str, Any] | str | None) -> ErrorRecord | None:
    if value is None or isinstance(value, ErrorRecord):
        return value
    return ErrorRecord.from_wire(value)


def _error_dict(error: ErrorRecord) -> dict[str, Any]:
    return {"message": error.message, "code": error.code, **json_safe(dict(error.extra))}


def _info_queue_record(value: InfoQueueRecord | Mapping[str, Any] | None) -> InfoQueueRecord | None:
    if value is None or isinstance(value, InfoQueueRecord):
        return value
    wire = {_INFO_QUEUE_WIRE.get(key, key): item for key, item in value.items()}
    try:
        return InfoQueueRecord.from_wire(wire)
    except ApiIBMQProtocolError as err:
        raise IBMQJobApiError(err.message) from err


def _info_queue_dict(record: InfoQueueRecord | None) -> dict[str, Any] | None:
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


def _iso_or_none(value: dt.datetime | None) -> str | None:
    return None if value is None else iso_utc(value)
