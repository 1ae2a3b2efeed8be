"""Users, their API tokens and hub/group/project memberships, read from a YAML file.

The format is documented in the bundled ``users.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DEMO_TOKEN = "ibmqjob-demo-token"
OTHER_TOKEN = "ibmqjob-other-token"


@dataclass(frozen=True)
class Priority:
    """Shares of the hub, group and project, shown in queue information."""

    hub: float = 1.0
    group: float = 1.0
    project: float = 1.0


@dataclass(frozen=True)
class Membership:
    """A user's membership of one project."""

    hub: str
    group: str
    project: str
    is_default: bool = False
    backends: tuple[str, ...] | None = None
    job_limit: int | None = None
    priority: Priority = field(default_factory=Priority)

    def allows_backend(self, name: str) -> bool:
        """Whether the project may use the backend ``name``."""
        return self.backends is None or name in self.backends


@dataclass(frozen=True)
class User:
    """A user of the server."""

    id: str
    email: str
    api_tokens: tuple[str, ...]
    memberships: tuple[Membership, ...]
    license_accepted: bool = True

    def membership(self, hub: str, group: str, project: str) -> Membership | None:
        """The membership of ``hub/group/project``, or None."""
        for member in self.memberships:
            if (member.hub, member.group, member.project) == (hub, group, project):
                return member
        return None

    def default_membership(self) -> Membership:
        """The default project: the one marked default, else the first one."""
        for member in self.memberships:
            if member.is_default:
                return member
        return self.memberships[0]


class UserDirectory:
    """The users of the server, looked up by API token or id."""

    def __init__(self, users: list[User]) -> None:
        self._by_id = {user.id: user for user in users}
        self._by_token = {token: user for user in users for token in user.api_tokens}

    @classmethod
    def load(cls, path: Path | None = None) -> UserDirectory:
        """Read a users file; the bundled ``users.yaml`` when ``path`` is None.

        Raises:
            ValueError: the file is not valid (the message says where).
        """
        if path is None:
            text = resources.files("refserver").joinpath("users.yaml").read_text("utf-8")
            origin = "bundled users.yaml"
        else:
            text = Path(path).read_text("utf-8")
            origin = str(path)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise ValueError(f"{origin}: not valid YAML: {err}") from err
        return cls(_parse_users(data, origin))

    def by_api_token(self, token: str) -> User | None:
        """The user owning the API token, or None."""
        return self._by_token.get(token)

    def get(self, user_id: str) -> User | None:
        """The user with this id, or None."""
        return self._by_id.get(user_id)

    def token_of(self, user_id: str) -> str | None:
        """The first API token of a user, or None."""
        user = self._by_id.get(user_id)
        return user.api_tokens[0] if user and user.api_tokens else None


def _parse_users(data: Any, origin: str) -> list[User]:
    if not isinstance(data, Mapping) or not isinstance(data.get("users"), list):
        raise ValueError(f"{origin}: expected a mapping with a `users` list")
    users = [_parse_user(item, f"{origin}: users[{i}]") for i, item in enumerate(data["users"])]
    _check_unique([u.id for u in users], "user id", origin)
    tokens = [t for u in users for t in u.api_tokens]
    if len(set(tokens)) != len(tokens):
        # The token itself stays out of the message: it is a secret.
        raise ValueError(f"{origin}: an API token is given to more than one user")
    return users


def _parse_user(item: Any, where: str) -> User:
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: expected a mapping")
    user_id = _text(item, "id", where)
    tokens = item.get("api_tokens")
    if (
        not isinstance(tokens, list)
        or not tokens
        or not all(isinstance(t, str) and t for t in tokens)
    ):
        raise ValueError(f"{where}: `api_tokens` must be a non-empty list of strings")
    projects = item.get("projects")
    if not isinstance(projects, list) or not projects:
        raise ValueError(f"{where}: `projects` must be a non-empty list")
    members = tuple(_parse_membership(p, f"{where}.projects[{i}]") for i, p in enumerate(projects))
    if sum(m.is_default for m in members) > 1:
        raise ValueError(f"{where}: more than one default project")
    _check_unique([(m.hub, m.group, m.project) for m in members], "project", where)
    license_accepted = item.get("license_accepted", True)
    if not isinstance(license_accepted, bool):
        raise ValueError(f"{where}: `license_accepted` must be a boolean")
    email = item.get("email", f"{user_id}@example.org")
    if not isinstance(email, str):
        raise ValueError(f"{where}: `email` must be a string")
    return User(user_id, email, tuple(tokens), members, license_accepted)


def _parse_membership(item: Any, where: str) -> Membership:
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: expected a mapping")
    hub, group, project = (_text(item, key, where) for key in ("hub", "group", "project"))
    for name in (hub, group, project):
        if "/" in name:
            raise ValueError(f"{where}: names cannot contain '/'")
    backends = item.get("backends")
    if backends is not None and (
        not isinstance(backends, list) or not all(isinstance(b, str) for b in backends)
    ):
        raise ValueError(f"{where}: `backends` must be a list of strings")
    job_limit = item.get("job_limit")
    if job_limit is not None and (
        not isinstance(job_limit, int) or isinstance(job_limit, bool) or job_limit < -1
    ):
        raise ValueError(f"{where}: `job_limit` must be an integer >= -1")
    is_default = item.get("default", False)
    if not isinstance(is_default, bool):
        raise ValueError(f"{where}: `default` must be a boolean")
    return Membership(
        hub,
        group,
        project,
        is_default,
        tuple(backends) if backends is not None else None,
        job_limit,
        _parse_priority(item.get("priority", {}), where),
    )


def _parse_priority(item: Any, where: str) -> Priority:
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: `priority` must be a mapping")
    values = {}
    for key in ("hub", "group", "project"):
        value = item.get(key, 1.0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise ValueError(f"{where}: priority.{key} must be a number in (0, 1]")
        values[key] = float(value)
    return Priority(**values)


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: `{key}` must be a non-empty string")
    return value


def _check_unique(values: list[Any], what: str, where: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{where}: duplicate {what} {value!r}")
        seen.add(value)
