"""Records of the account-level answers (URLs, projects, devices) and the JSON codecs.

Like ``ibmqjob/_records.py`` for jobs, these small frozen records decouple the entry points
(account, provider, backend) from the generated models: they are built from the decoded
wire documents and raise ``ApiIBMQProtocolError`` on documents that break the protocol.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qiskit.circuit import ParameterExpression

from .exceptions import ApiIBMQProtocolError

__all__ = [
    "JobsLimitRecord",
    "ProjectRef",
    "QueueStatusRecord",
    "ServiceUrlsRecord",
    "decode_json_object",
    "encode_qobj",
    "projects_from_network",
]


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
        body = _mapping(data, "urls")
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
        body = _mapping(hub, "hub")
        name = body.get("name")
        if not isinstance(name, str):
            raise ApiIBMQProtocolError(f"A hub without a name: {body!r:.300}")
        for group_name, group in _mapping(body.get("groups"), "groups").items():
            group_projects = _mapping(_mapping(group, "group").get("projects"), "projects")
            for project_name, project in group_projects.items():
                default = _mapping(project, "project").get("isDefault") is True
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
        body = _mapping(data, "queue status")
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
        body = _mapping(data, "jobs limit")
        maximum, running = body.get("maximumJobs"), body.get("runningJobs")
        if (
            not isinstance(maximum, int)
            or not isinstance(running, int)
            or not (_is_int(maximum) and _is_int(running))
        ):
            raise ApiIBMQProtocolError(f"Unexpected backend job limit: {body!r:.300}")
        return cls(None if maximum < 0 else maximum, running)


def _shared_memory_strings(obj: dict[str, Any]) -> dict[str, Any]:
    # Per-shot memory holds few distinct strings ("0x0".."0xf") repeated shots x experiments
    # times; one shared object per value instead of one per shot divides memory by ~5.
    memory = obj.get("memory")
    if type(memory) is list and memory and type(memory[0]) is str:
        try:
            obj["memory"] = list(map(sys.intern, memory))
        except TypeError:
            pass
    return obj


def decode_json_object(content: bytes, what: str) -> dict[str, Any]:
    """Decode a downloaded JSON document that must be an object.

    Args:
        content: The raw bytes.
        what: What the document is, for messages.

    Returns:
        The decoded object.

    Raises:
        ApiIBMQProtocolError: If the bytes are not a JSON object.
    """
    try:
        body = json.loads(content, object_hook=_shared_memory_strings)
    except ValueError as err:
        raise ApiIBMQProtocolError(f"The {what} downloaded is not valid JSON: {err}") from err
    if not isinstance(body, dict):
        raise ApiIBMQProtocolError(f"The {what} downloaded is not a JSON object.")
    return body


def encode_qobj(qobj: Mapping[str, Any]) -> bytes:
    """Encode a Qobj dict as JSON the way the original client did.

    numpy arrays and scalars become lists and numbers, complex numbers ``[real, imag]``,
    bound parameter expressions numbers, and dict keys that are not JSON keys (such as
    ``Parameter`` objects in ``parameter_binds``) their ``str``.

    Args:
        qobj: The Qobj, as returned by ``to_dict()``.

    Returns:
        UTF-8 JSON.

    Raises:
        ValueError: If a value cannot be encoded (e.g. an unbound parameter).
    """
    try:
        try:
            text = json.dumps(qobj, default=_encode_value, separators=(",", ":"))
        except TypeError as err:
            if "keys must be" not in str(err):
                raise
            text = json.dumps(_str_keys(qobj), default=_encode_value, separators=(",", ":"))
    except (TypeError, ValueError) as err:
        raise ValueError(f"The Qobj cannot be encoded as JSON: {err}") from err
    return text.encode("utf-8")


def _encode_value(value: Any) -> Any:
    if isinstance(value, complex):
        return [value.real, value.imag]
    if isinstance(value, ParameterExpression):
        number = complex(value)  # TypeError when parameters are unbound
        return number.real if number.imag == 0 else [number.real, number.imag]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _str_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            key if isinstance(key, str | int | float | bool) or key is None else str(key): (
                _str_keys(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_str_keys(item) for item in value]
    return value


def _mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ApiIBMQProtocolError(f"Unexpected {what} received from the server: {data!r:.300}")
    return data


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
