"""Internal records and the ``JobApi`` protocol: the contract between ``IBMQJob`` and the API.

``IBMQJob`` never sees HTTP, the generated client or its models. It talks to an object that
implements :class:`JobApi` (written in ``ibmqjob/_api.py``) and receives the small frozen
records defined here.

Contract for implementers of :class:`JobApi`:

* Every method is synchronous and blocking. ``job_id`` is the server's job id (24 lowercase
  hex characters on the reference server, but the client does not check it).
* Every failure is raised as an :class:`~ibmqjob.exceptions.ApiError`, never as an ``httpx``,
  ``websockets``, ``KeyError`` or generated-client exception:

  - HTTP error status, or no response at all (connection refused, read timeout, retries
    exhausted): :class:`~ibmqjob.exceptions.RequestsApiError` with ``status_code`` (``-1``
    without a response) and, when the body had the ``{"error": {"message", "code"}}``
    envelope, ``code`` and ``server_message``. A job not found is HTTP 404 with code 3250.
  - A 2xx body that is not JSON or lacks a required field:
    :class:`~ibmqjob.exceptions.ApiIBMQProtocolError`.
  - Access tokens never appear in messages: pass them as ``secrets=`` to the exception.

* Retries of transient failures happen inside the API layer (see ``ibmqjob/_retry.py``);
  ``IBMQJob`` itself never retries a call.
* Records carry no generated types, no ``Unset`` and no raw responses. Date-times are aware
  ``datetime`` objects in UTC (:func:`parse_utc` turns a wire string into one). Keys the
  record does not model are kept, with their camelCase wire names and JSON values, in
  ``extra``. :meth:`JobRecord.from_wire` and :meth:`StatusRecord.from_wire` build records
  from the decoded JSON documents and raise ``ApiIBMQProtocolError`` on bad documents, so an
  adapter may simply call ``JobRecord.from_wire(model.to_dict())``.
"""

from __future__ import annotations

import datetime as dt
import functools
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from .exceptions import ApiIBMQProtocolError
from .settings import TimeSource, WebsocketPolicy

__all__ = [
    "ErrorRecord",
    "InfoQueueRecord",
    "JobApi",
    "JobRecord",
    "StatusRecord",
    "WebsocketTarget",
    "parse_utc",
    "to_python_identifier",
]

JsonDict = dict[str, Any]
_T = TypeVar("_T")


def parse_utc(value: object, what: str = "date-time") -> dt.datetime:
    """Turn an ISO-8601 string (or a ``datetime``) from the server into an aware UTC datetime.

    The wire carries UTC. A value without an offset is taken as UTC; a value with another
    offset is converted (the original client overwrote the offset instead).

    Args:
        value: An ISO-8601 string such as ``2019-01-01T12:57:15.052Z`` or a ``datetime``.
        what: Name of the field, used in the error message.

    Returns:
        The instant as an aware ``datetime`` in UTC.

    Raises:
        ApiIBMQProtocolError: If the value is not a valid ISO-8601 date-time.
    """
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError as err:
            raise ApiIBMQProtocolError(
                f"Invalid {what} received from the server: {value!r}"
            ) from err
    else:
        raise ApiIBMQProtocolError(f"Invalid {what} received from the server: {value!r}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


_NOT_IDENTIFIER = re.compile(r"\W|^(?=\d)", re.ASCII)
_CAMEL_HUMP = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)(?<!_)[A-Z](?=[a-z]))")


@functools.lru_cache(maxsize=4096)
def to_python_identifier(name: str) -> str:
    """Turn a camelCase wire key into a snake_case Python identifier, as the original client.

    Args:
        name: The wire key, e.g. ``summaryData`` or ``2x-y``.

    Returns:
        A valid identifier, e.g. ``summary_data`` or ``_2x_y``; keywords get a trailing ``_``.
    """
    if not name.isidentifier():
        name = _NOT_IDENTIFIER.sub("_", name)
    name = _CAMEL_HUMP.sub(r"_\1", name).lower()
    while keyword.iskeyword(name):
        name += "_"
    return name


@dataclass(frozen=True)
class ErrorRecord:
    """The ``error`` object of a job document: ``{"message": str, "code": int}``."""

    message: str | None = None
    code: int | str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: object) -> ErrorRecord:
        """Build the record from the decoded ``error`` value.

        Args:
            data: The JSON value of ``error``. A bare string is taken as the message.

        Returns:
            The record.
        """
        if isinstance(data, str):
            return cls(message=data)
        body = _require_mapping(data, "error")
        rest = {k: v for k, v in body.items() if k not in ("message", "code")}
        message = body.get("message")
        code = body.get("code")
        return cls(
            message=None if message is None else str(message),
            code=code if isinstance(code, int | str) else None,
            extra=rest,
        )


@dataclass(frozen=True)
class InfoQueueRecord:
    """The ``infoQueue`` object sent while a job is ``QUEUED``."""

    status: str | None = None
    position: int | None = None
    estimated_start_time: dt.datetime | None = None
    estimated_complete_time: dt.datetime | None = None
    hub_priority: float | None = None
    group_priority: float | None = None
    project_priority: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    _WIRE = {
        "status": "status",
        "position": "position",
        "estimatedStartTime": "estimated_start_time",
        "estimatedCompleteTime": "estimated_complete_time",
        "hubPriority": "hub_priority",
        "groupPriority": "group_priority",
        "projectPriority": "project_priority",
    }

    @classmethod
    def from_wire(cls, data: object) -> InfoQueueRecord | None:
        """Build the record from the decoded ``infoQueue`` value.

        Args:
            data: The JSON value of ``infoQueue`` (``None`` or ``{}`` mean "no information").

        Returns:
            The record, or ``None`` if there is no information.

        Raises:
            ApiIBMQProtocolError: If a field has the wrong type.
        """
        if data is None:
            return None
        body = _require_mapping(data, "infoQueue")
        if not body:
            return None
        extra = {k: v for k, v in body.items() if k not in cls._WIRE}
        start = body.get("estimatedStartTime")
        complete = body.get("estimatedCompleteTime")
        return cls(
            status=_optional(body, "status", str),
            position=_optional_int(body, "position"),
            estimated_start_time=None if start is None else parse_utc(start, "estimatedStartTime"),
            estimated_complete_time=(
                None if complete is None else parse_utc(complete, "estimatedCompleteTime")
            ),
            hub_priority=_optional_float(body, "hubPriority"),
            group_priority=_optional_float(body, "groupPriority"),
            project_priority=_optional_float(body, "projectPriority"),
            extra=extra,
        )


@dataclass(frozen=True)
class StatusRecord:
    """Answer of ``GET /Jobs/{id}/status/v/1`` and the ``data`` of a websocket frame."""

    status: str
    info_queue: InfoQueueRecord | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: object) -> StatusRecord:
        """Build the record from a decoded status document.

        Args:
            data: ``{"status": str, "infoQueue"?: {...}, ...}``.

        Returns:
            The record. The status string is kept as sent (unknown values included).

        Raises:
            ApiIBMQProtocolError: If ``status`` is missing or not a string.
        """
        body = _require_mapping(data, "job status")
        status = body.get("status")
        if not isinstance(status, str):
            raise ApiIBMQProtocolError(
                f"Unexpected job status document received from the server: {_short(body)}"
            )
        extra = {k: v for k, v in body.items() if k not in ("status", "infoQueue")}
        return cls(status, InfoQueueRecord.from_wire(body.get("infoQueue")), extra)


# Wire keys modelled by JobRecord; everything else lands in ``extra``.
_JOB_KEYS = frozenset(
    {
        "id",
        "creationDate",
        "status",
        "kind",
        "backend",
        "name",
        "tags",
        "timePerStep",
        "error",
        "runMode",
        "clientInfo",
        "experimentTag",
        "infoQueue",
        "qObject",
        "qObjectResult",
        "calibration",
    }
)


@dataclass(frozen=True)
class JobRecord:
    """A job document (``GET /Jobs/{id}/v/1``, list items, submit answers) in snake_case.

    Attributes:
        job_id: ``id``.
        creation_date: ``creationDate``, aware UTC.
        status: ``status``, the raw API status string (unknown values kept as sent).
        kind: ``kind`` (``q-object``, ``q-object-external-storage``, ``q-circuit``).
        backend_name: ``backend.name``.
        name: ``name``.
        tags: ``tags`` (empty when absent).
        time_per_step: ``timePerStep``, step name to aware UTC datetime.
        error: ``error``.
        run_mode: ``runMode``.
        client_info: ``clientInfo`` (``{"name": str, "version": str}``).
        experiment_id: ``experimentTag``.
        info_queue: ``infoQueue``.
        qobj: ``qObject`` (inline jobs only).
        result: ``qObjectResult`` (inline jobs only).
        properties: ``calibration``.
        extra: every other key, with its wire name and JSON value.
    """

    job_id: str
    creation_date: dt.datetime
    status: str
    kind: str | None = None
    backend_name: str | None = None
    name: str | None = None
    tags: tuple[str, ...] = ()
    time_per_step: Mapping[str, dt.datetime] | None = None
    error: ErrorRecord | None = None
    run_mode: str | None = None
    client_info: Mapping[str, str] | None = None
    experiment_id: str | None = None
    info_queue: InfoQueueRecord | None = None
    qobj: Mapping[str, Any] | None = None
    result: Mapping[str, Any] | None = None
    properties: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: object) -> JobRecord:
        """Build the record from a decoded job document.

        Args:
            data: The job document, camelCase keys as on the wire.

        Returns:
            The record.

        Raises:
            ApiIBMQProtocolError: If ``id``, ``creationDate`` or ``status`` is missing or
                malformed, or a modelled field has the wrong type.
        """
        body = _require_mapping(data, "job")
        job_id, status = body.get("id"), body.get("status")
        if not isinstance(job_id, str) or not isinstance(status, str) or "creationDate" not in body:
            raise ApiIBMQProtocolError(
                f"Unexpected job document received from the server: {_short(body)}"
            )
        backend = body.get("backend")
        return cls(
            job_id=job_id,
            creation_date=parse_utc(body["creationDate"], "creationDate"),
            status=status,
            kind=_optional(body, "kind", str),
            backend_name=_optional(backend, "name", str) if isinstance(backend, Mapping) else None,
            name=_optional(body, "name", str),
            tags=_tags(body.get("tags")),
            time_per_step=_time_per_step(body.get("timePerStep")),
            error=None if body.get("error") is None else ErrorRecord.from_wire(body["error"]),
            run_mode=_optional(body, "runMode", str),
            client_info=_client_info(body.get("clientInfo")),
            experiment_id=_optional(body, "experimentTag", str),
            info_queue=InfoQueueRecord.from_wire(body.get("infoQueue")),
            qobj=_optional_mapping(body, "qObject"),
            result=_optional_mapping(body, "qObjectResult"),
            properties=_optional_mapping(body, "calibration"),
            extra={k: v for k, v in body.items() if k not in _JOB_KEYS},
        )


@dataclass(frozen=True)
class WebsocketTarget:
    """Where and how to open the status websocket of one job.

    Attributes:
        url: ``<urls.ws without trailing '/'>/jobs/<job_id>/status/v/1``.
        access_token: Sent in the authentication frame; never logged or shown in ``repr``.
        proxy: Proxy URL (``http://``, ``https://``, ``socks5://``...) or ``None`` to
            connect directly.
        policy: Reconnection, keepalive and timeout tunables.
    """

    url: str
    access_token: str = field(repr=False)
    proxy: str | None = None
    policy: WebsocketPolicy = field(default_factory=WebsocketPolicy)


@runtime_checkable
class JobApi(Protocol):
    """What ``IBMQJob`` needs from the server. Implemented by ``ibmqjob._api``.

    Every method raises :class:`~ibmqjob.exceptions.ApiError` (see the module docstring)
    and nothing else on failure.
    """

    @property
    def time(self) -> TimeSource:
        """The clock and sleep that jobs wait with (the account's time source)."""
        ...

    def job_get(self, job_id: str) -> JobRecord:
        """``GET /Jobs/{id}/v/1``: the full job document."""
        ...

    def job_status(self, job_id: str) -> StatusRecord:
        """``GET /Jobs/{id}/status/v/1``: the status and, while queued, the queue info."""
        ...

    def job_cancel(self, job_id: str) -> bool:
        """``POST /Jobs/{id}/cancel``: ``True`` iff the body has no ``error`` and a truthy
        ``cancelled``."""
        ...

    def job_result(self, job_id: str) -> JsonDict:
        """``GET /Jobs/{id}/resultDownloadUrl`` then ``GET <url>`` (streamed): the result
        document as JSON, untouched. Used only for ``q-object-external-storage`` jobs."""
        ...

    def job_result_downloaded(self, job_id: str) -> None:
        """``POST /Jobs/{id}/resultDownloaded`` (no body), after a successful download."""
        ...

    def job_qobj(self, job_id: str) -> JsonDict:
        """``GET /Jobs/{id}/jobDownloadUrl`` then ``GET <url>``: the Qobj document as JSON.
        Used only for ``q-object-external-storage`` jobs."""
        ...

    def job_properties(self, job_id: str) -> JsonDict | None:
        """``GET /Jobs/{id}/properties``: the backend properties dict, ``None`` if empty."""
        ...

    def job_update_name(self, job_id: str, name: str) -> str | None:
        """``PUT /Jobs/{id}`` with ``{"name": name}``: the echoed ``name``, ``None`` if the
        answer has none. The caller checks the echo."""
        ...

    def job_update_tags(self, job_id: str, tags: list[str]) -> list[str] | None:
        """``PUT /Jobs/{id}`` with ``{"tags": tags}``: the echoed ``tags``, ``None`` if the
        answer has none. The caller checks the echo."""
        ...

    def job_websocket(self, job_id: str) -> WebsocketTarget | None:
        """The status websocket of the job, or ``None`` if the server has no websocket URL
        (the caller then polls ``job_status``). Makes no request."""
        ...


# ----------------------------------------------------------------------------- helpers


def _short(body: Mapping[str, Any], limit: int = 300) -> str:
    text = repr(dict(body))
    return text if len(text) <= limit else text[:limit] + "..."


def _require_mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ApiIBMQProtocolError(
            f"Unexpected {what} value received from the server: {data!r:.300}"
        )
    return data


def _wrong_type(key: str, value: object) -> ApiIBMQProtocolError:
    return ApiIBMQProtocolError(f"Invalid {key} received from the server: {value!r:.300}")


def _optional(body: Mapping[str, Any], key: str, kind: type[_T]) -> _T | None:
    value = body.get(key)
    if value is None or isinstance(value, kind):
        return value
    raise _wrong_type(key, value)


def _optional_int(body: Mapping[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(key, value)
    return value


def _optional_float(body: Mapping[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong_type(key, value)
    return float(value)


def _optional_mapping(body: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = body.get(key)
    if value is None or isinstance(value, Mapping):
        return value
    raise _wrong_type(key, value)


def _tags(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(t, str) for t in value):
        raise _wrong_type("tags", value)
    return tuple(value)


def _time_per_step(value: object) -> dict[str, dt.datetime] | None:
    if value is None:
        return None
    steps = _require_mapping(value, "timePerStep")
    return {str(step): parse_utc(when, f"timePerStep.{step}") for step, when in steps.items()}


def _client_info(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    info = _require_mapping(value, "clientInfo")
    return {str(k): str(v) for k, v in info.items() if v is not None}
