"""Every wire record: the answers of the job API as small frozen dataclasses.

Each record is built by ``from_wire`` from the decoded JSON document (camelCase keys as on
the wire) and checks it with the one set of field guards at the end of this module: a
document that breaks the protocol raises :class:`~ibmqjob.exceptions.ApiIBMQProtocolError`,
never ``KeyError`` or ``TypeError``. ``ibmqjob/_api/operations.py`` parses every 2xx body
once, straight into these records; nothing above the wire layer sees JSON shapes, generated
models or ``Unset``.

Date-times are aware ``datetime`` objects in UTC (:func:`parse_utc`, the rule of
``ibmqjob/_time.py`` with a protocol error). Keys a record does not model are kept, with
their camelCase wire names and JSON values, in ``extra``.
"""

from __future__ import annotations

import datetime as dt
import functools
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .._time import parse_iso
from ..exceptions import ApiIBMQProtocolError
from ..settings import WebsocketPolicy

__all__ = [
    "JOB_ID_FIELDS",
    "JOB_LIST_FIELDS",
    "AccessTokenRecord",
    "CancelRecord",
    "ErrorRecord",
    "InfoQueueRecord",
    "JobIdRecord",
    "JobRecord",
    "JobsLimitRecord",
    "ProjectRef",
    "QueueStatusRecord",
    "ServiceUrlsRecord",
    "SignedUrlRecord",
    "StatusRecord",
    "UserRecord",
    "VersionRecord",
    "WebsocketTarget",
    "backend_configurations",
    "job_from_upload_answer",
    "optional_document",
    "parse_utc",
    "projects_from_network",
    "to_python_identifier",
]

JsonDict = dict[str, Any]
_T = TypeVar("_T")


def parse_utc(value: object, what: str = "date-time") -> dt.datetime:
    """Turn an ISO-8601 string (or a ``datetime``) from the server into an aware UTC datetime.

    The rule is :func:`ibmqjob._time.parse_iso`: a value without an offset is taken as UTC,
    a value with another offset is converted (the original client overwrote the offset).

    Args:
        value: An ISO-8601 string such as ``2019-01-01T12:57:15.052Z`` or a ``datetime``.
        what: Name of the field, used in the error message.

    Returns:
        The instant as an aware ``datetime`` in UTC.

    Raises:
        ApiIBMQProtocolError: If the value is not a valid ISO-8601 date-time.
    """
    try:
        return parse_iso(value)  # type: ignore[arg-type]  # anything else is a TypeError
    except (TypeError, ValueError) as err:
        raise ApiIBMQProtocolError(f"Invalid {what} received from the server: {value!r}") from err


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
        partial: The server sent only the fields a listing asked for
            (:data:`JOB_LIST_FIELDS`): the others are unknown, not absent, and the full
            document (``GET /Jobs/{id}/v/1``) has them.
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
    partial: bool = False

    @classmethod
    def from_wire(cls, data: object, *, projected: bool = False) -> JobRecord:
        """Build the record from a decoded job document.

        Args:
            data: The job document, camelCase keys as on the wire.
            projected: The document answers a listing projected on :data:`JOB_LIST_FIELDS`:
                the record is ``partial`` unless the document holds other keys too (a server
                that ignores ``fields`` sends whole documents).

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
            partial=projected and body.keys() <= _LISTED_KEYS,
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
        defer: Takes the closing handshake of a websocket whose reader stopped reading (it
            has the final status, or gave up) off the critical path: called with a
            description and the close, to be done later (the account's next request, its
            close or the exit). ``None``: the websocket is closed at once.
    """

    url: str
    access_token: str = field(repr=False)
    proxy: str | None = None
    policy: WebsocketPolicy = field(default_factory=WebsocketPolicy)
    defer: Callable[[str, Callable[[], None]], None] | None = field(
        default=None, repr=False, compare=False
    )


@dataclass(frozen=True)
class ServiceUrlsRecord:
    """The ``urls`` of ``GET /users/me``.

    Attributes:
        http: Base URL of the job service.
        ws: Base URL of the status websocket, if any.
        services: Other services by name.
    """

    http: str
    ws: str | None = None
    services: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: object) -> ServiceUrlsRecord:
        """Build the record from the decoded ``urls`` object.

        Args:
            data: ``{"http": str, "ws": str, "services"?: {...}}``.

        Returns:
            The record.

        Raises:
            ApiIBMQProtocolError: If ``http`` is missing or a value has the wrong type.
        """
        body = _require_mapping(data, "urls")
        http, ws = body.get("http"), body.get("ws")
        if not isinstance(http, str) or not http or not (ws is None or isinstance(ws, str)):
            raise ApiIBMQProtocolError(f"Unexpected urls received from the server: {body!r:.300}")
        services = body.get("services") or {}
        if not isinstance(services, Mapping):
            raise ApiIBMQProtocolError(f"Unexpected urls.services: {services!r:.300}")
        return cls(http, ws or None, {str(k): str(v) for k, v in services.items()})


@dataclass(frozen=True)
class ProjectRef:
    """A hub/group/project the user belongs to.

    Attributes:
        hub: Hub name.
        group: Group name.
        project: Project name.
        is_default: Whether the server marks it as the user's default project.
    """

    hub: str
    group: str
    project: str
    is_default: bool = False

    def __str__(self) -> str:
        return f"{self.hub}/{self.group}/{self.project}"


def projects_from_network(hubs: object) -> list[ProjectRef]:
    """Read the projects of a ``GET /Network`` answer; the default project comes first.

    Group and project names are the keys of the ``groups`` and ``projects`` objects.

    Args:
        hubs: The decoded answer, a list of hubs.

    Returns:
        The projects, in the server's order except that a default one is moved first.

    Raises:
        ApiIBMQProtocolError: If the answer does not have that shape.
    """
    if not isinstance(hubs, list):
        raise ApiIBMQProtocolError(f"Unexpected /Network answer: {hubs!r:.300}")
    projects: list[ProjectRef] = []
    for hub in hubs:
        body = _require_mapping(hub, "hub")
        name = body.get("name")
        if not isinstance(name, str):
            raise ApiIBMQProtocolError(f"A hub without a name: {body!r:.300}")
        for group_name, group in _require_mapping(body.get("groups"), "groups").items():
            group_projects = _require_mapping(
                _require_mapping(group, "group").get("projects"), "projects"
            )
            for project_name, project in group_projects.items():
                default = _require_mapping(project, "project").get("isDefault") is True
                projects.append(ProjectRef(name, str(group_name), str(project_name), default))
    projects.sort(key=lambda ref: not ref.is_default)  # stable: only the default moves
    return projects


@dataclass(frozen=True)
class QueueStatusRecord:
    """``GET /devices/{name}/queue/status``.

    Attributes:
        operational: ``state``.
        status_msg: ``status`` (e.g. ``active``).
        pending_jobs: ``lengthQueue`` (0 when absent or negative).
        backend_version: ``backend_version``, if sent.
        message: ``message``, if sent.
    """

    operational: bool
    status_msg: str
    pending_jobs: int = 0
    backend_version: str | None = None
    message: str | None = None

    @classmethod
    def from_wire(cls, data: object) -> QueueStatusRecord:
        """Build the record from the decoded answer.

        Args:
            data: ``{"state": bool, "status": str, "lengthQueue"?: int, ...}``.

        Returns:
            The record.

        Raises:
            ApiIBMQProtocolError: If a field has the wrong type.
        """
        body = _require_mapping(data, "queue status")
        state, status = body.get("state"), body.get("status")
        length = body.get("lengthQueue", 0)
        version, message = body.get("backend_version"), body.get("message")
        if (
            not isinstance(state, bool)
            or not isinstance(status, str)
            or not _is_int(length)
            or not (version is None or isinstance(version, str))
        ):
            raise ApiIBMQProtocolError(f"Unexpected backend queue status: {body!r:.300}")
        return cls(
            state, status, max(length, 0), version, None if message is None else str(message)
        )


@dataclass(frozen=True)
class JobsLimitRecord:
    """``GET /devices/{name}/jobsLimit``.

    Attributes:
        maximum_jobs: Most active jobs allowed, ``None`` when unlimited (``-1`` on the wire).
        running_jobs: Active jobs now.
    """

    maximum_jobs: int | None
    running_jobs: int

    @classmethod
    def from_wire(cls, data: object) -> JobsLimitRecord:
        """Build the record from the decoded answer.

        Args:
            data: ``{"maximumJobs": int, "runningJobs": int}``.

        Returns:
            The record.

        Raises:
            ApiIBMQProtocolError: If a field is missing or not an integer.
        """
        body = _require_mapping(data, "jobs limit")
        maximum, running = body.get("maximumJobs"), body.get("runningJobs")
        if (
            not isinstance(maximum, int)
            or not isinstance(running, int)
            or not (_is_int(maximum) and _is_int(running))
        ):
            raise ApiIBMQProtocolError(f"Unexpected backend job limit: {body!r:.300}")
        return cls(None if maximum < 0 else maximum, running)


JOB_ID_FIELDS = {"id": True, "liveDataEnabled": True, "creationDate": True}
"""The ``fields`` of an id listing (``GET /Jobs/v/1``), as the original client asked."""

JOB_LIST_FIELDS = {
    key: True
    for key in (
        "id",
        "creationDate",
        "status",
        "kind",
        "backend",
        "name",
        "tags",
        "error",
        "runMode",
        "clientInfo",
        "experimentTag",
        "infoQueue",
    )
}
"""The ``fields`` of a job listing (``GET /Jobs/status/v/1``): what a listed job reads without
a request (its identity, status, queue position, error, kind and client for the result,
name, tags and backend). The rest of a document (summary data, end date, hub information,
other attributes) is most of its size; a listed job fetches its full document when one of
those is first read."""

_LISTED_KEYS = frozenset(JOB_LIST_FIELDS)


@dataclass(frozen=True)
class JobIdRecord:
    """One item of an id listing: the document as sent, with its id and creation date read.

    Attributes:
        job_id: ``id``.
        creation_date: ``creationDate``, aware UTC.
        document: The item as the server sent it.
    """

    job_id: str
    creation_date: dt.datetime
    document: Mapping[str, Any]

    @classmethod
    def from_wire(cls, data: object) -> JobIdRecord:
        """Read an item of ``GET /Jobs/v/1``.

        Args:
            data: The decoded item.

        Returns:
            The record.

        Raises:
            ApiIBMQProtocolError: If the item is not an object with a string ``id`` and a
                valid ``creationDate``.
        """
        job_id = data.get("id") if isinstance(data, Mapping) else None
        if not isinstance(data, Mapping) or not isinstance(job_id, str):
            raise ApiIBMQProtocolError(f"A listed job has no valid id: {data!r}")
        creation_date = parse_utc(data.get("creationDate"), "creationDate")
        return cls(job_id, creation_date, dict(data))


@dataclass(frozen=True)
class VersionRecord:
    """``GET /version`` of the authentication service.

    Attributes:
        api_auth: ``api-auth``, the version of the authentication API (any JSON value).
        extra: every other key.
    """

    api_auth: object
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: object) -> VersionRecord:
        """Build the record from the decoded answer.

        Raises:
            ApiIBMQProtocolError: If it is not an object with ``api-auth``.
        """
        body = _require_mapping(data, "version")
        if "api-auth" not in body:
            raise ApiIBMQProtocolError(f"No api-auth in the version answer: {_short(body)}")
        return cls(body["api-auth"], {k: v for k, v in body.items() if k != "api-auth"})


@dataclass(frozen=True)
class AccessTokenRecord:
    """``POST /users/loginWithToken``.

    Attributes:
        token: ``id``, the access token; never shown in ``repr``.
        ttl: ``ttl``, its lifetime in seconds as sent.
    """

    token: str = field(repr=False)
    ttl: object = None

    @classmethod
    def from_wire(cls, data: object) -> AccessTokenRecord:
        """Build the record from the decoded answer.

        Raises:
            ApiIBMQProtocolError: If ``id`` is not a non-empty string or ``ttl`` is missing.
        """
        # The body holds the token: it is never quoted in the message.
        token = data.get("id") if isinstance(data, Mapping) else None
        if not isinstance(data, Mapping) or not isinstance(token, str) or not token:
            raise ApiIBMQProtocolError("The login answer has no access token.")
        if "ttl" not in data:
            raise ApiIBMQProtocolError("The login answer has no ttl.")
        return cls(token, data["ttl"])


@dataclass(frozen=True)
class UserRecord:
    """``GET /users/me``: the service URLs of the user.

    Attributes:
        urls: ``urls``.
    """

    urls: ServiceUrlsRecord

    @classmethod
    def from_wire(cls, data: object) -> UserRecord:
        """Build the record from the decoded answer.

        Raises:
            ApiIBMQProtocolError: If ``urls`` is missing or malformed.
        """
        return cls(ServiceUrlsRecord.from_wire(_require_mapping(data, "user").get("urls")))


@dataclass(frozen=True)
class SignedUrlRecord:
    """``GET /Jobs/{id}/jobDownloadUrl`` and ``resultDownloadUrl``.

    Attributes:
        url: The signed object-storage URL; opaque, it may point to another host.
    """

    url: str

    @classmethod
    def from_wire(cls, data: object) -> SignedUrlRecord:
        """Build the record from the decoded answer.

        Raises:
            ApiIBMQProtocolError: If ``url`` is not a non-empty string.
        """
        url = _require_mapping(data, "signed url").get("url")
        if not isinstance(url, str) or not url.strip():
            raise ApiIBMQProtocolError("The answer has no url.")
        return cls(url)


@dataclass(frozen=True)
class CancelRecord:
    """``POST /Jobs/{id}/cancel``.

    Attributes:
        cancelled: Whether the server cancelled the job: a truthy ``cancelled`` and no
            ``error`` in the body.
    """

    cancelled: bool

    @classmethod
    def from_wire(cls, data: object) -> CancelRecord:
        """Build the record from the decoded answer.

        Raises:
            ApiIBMQProtocolError: If the body is not an object with ``cancelled``.
        """
        body = _require_mapping(data, "cancel answer")
        if "cancelled" not in body:
            raise ApiIBMQProtocolError(f"No cancelled in the cancel answer: {_short(body)}")
        return cls("error" not in body and bool(body["cancelled"]))


def optional_document(data: object, what: str) -> JsonDict | None:
    """Read an answer that is a free-form JSON object (properties, pulse defaults).

    Args:
        data: The decoded answer.
        what: What the document is, for messages.

    Returns:
        The object, or ``None`` when it is empty.

    Raises:
        ApiIBMQProtocolError: If it is not a JSON object.
    """
    return dict(_require_mapping(data, what)) or None


def backend_configurations(data: object) -> list[JsonDict]:
    """Read ``GET /devices/v/1``: the backend configurations; items that are not objects
    are dropped.

    Raises:
        ApiIBMQProtocolError: If the answer is not a list.
    """
    if not isinstance(data, list):
        raise ApiIBMQProtocolError(f"Unexpected devices answer: {data!r:.300}")
    return [item for item in data if isinstance(item, dict)]


def reservation_documents(data: object) -> list[JsonDict]:
    """Read ``GET /Network/.../bookings/v2``: a list of reservation documents.

    Raises:
        ApiIBMQProtocolError: If the answer is not a list of objects.
    """
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ApiIBMQProtocolError(f"Unexpected reservations answer: {data!r:.300}")
    return data


def job_from_upload_answer(data: object) -> JobRecord:
    """Read ``POST /Jobs/{id}/jobDataUploaded``: ``{"job": <job document>}``.

    Raises:
        ApiIBMQProtocolError: If there is no valid job document.
    """
    return JobRecord.from_wire(_require_mapping(data, "jobDataUploaded answer").get("job"))


# ----------------------------------------------------------------------------- guards


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


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _client_info(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    info = _require_mapping(value, "clientInfo")
    return {str(k): str(v) for k, v in info.items() if v is not None}
