"""Checks of JSON request bodies against the spec's request schemas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refserver.errors import BODY_WRONG, PAYLOAD_NOT_VALID, bad_request

MAX_TEXT = 256
MAX_TAGS = 64


@dataclass(frozen=True)
class JobCreation:
    """A checked ``POST /Jobs`` body."""

    backend: str
    name: str | None
    tags: list[str]
    experiment_tag: str | None
    live_data_enabled: bool | None
    allow_object_storage: bool


def login_token(body: Any) -> str:
    """The API token of a ``POST /users/loginWithToken`` body.

    Raises:
        ApiError: 400 when the body is not ``{"apiToken": "<1..512 characters>"}``.
    """
    _object(body, {"apiToken"})
    token = body.get("apiToken")
    if not isinstance(token, str) or not 1 <= len(token) <= 512:
        raise bad_request("`apiToken` must be a string of 1 to 512 characters", BODY_WRONG)
    return token


def job_creation(body: Any) -> JobCreation:
    """Check a ``POST /Jobs`` body.

    Raises:
        ApiError: 400 naming the offending field.
    """
    _object(
        body, {"backend", "allowObjectStorage", "liveDataEnabled", "name", "tags", "experimentTag"}
    )
    backend = body.get("backend")
    if (
        not isinstance(backend, dict)
        or not isinstance(backend.get("name"), str)
        or not backend["name"]
    ):
        raise bad_request("`backend` must be an object with a non-empty `name`", PAYLOAD_NOT_VALID)
    if not isinstance(backend.get("id", ""), str):
        raise bad_request("`backend.id` must be a string", PAYLOAD_NOT_VALID)
    allow = body.get("allowObjectStorage", True)
    if not isinstance(allow, bool):
        raise bad_request("`allowObjectStorage` must be a boolean", PAYLOAD_NOT_VALID)
    live = body.get("liveDataEnabled")
    if live is not None and not isinstance(live, bool):
        raise bad_request("`liveDataEnabled` must be a boolean or null", PAYLOAD_NOT_VALID)
    return JobCreation(
        backend["name"],
        _optional_text(body, "name"),
        tags(body["tags"]) if "tags" in body else [],
        _optional_text(body, "experimentTag"),
        live,
        allow,
    )


def job_update(body: Any) -> tuple[str, Any]:
    """Check a ``PUT /Jobs/{id}`` body: exactly one of ``name`` or ``tags``.

    Returns:
        ``("name", str)`` or ``("tags", list[str])``.

    Raises:
        ApiError: 400 naming what is wrong.
    """
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ("name", "tags"):
        raise bad_request(
            "The body must hold exactly one of `name` (string) or `tags` (list of strings)"
        )
    if "name" in body:
        return "name", _optional_text(body, "name")
    return "tags", tags(body["tags"])


def tags(value: Any) -> list[str]:
    """Check a list of tags.

    Raises:
        ApiError: 400 when it is not a list of at most 64 strings of at most 256 characters.
    """
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise bad_request("`tags` must be a list of strings", PAYLOAD_NOT_VALID)
    if len(value) > MAX_TAGS or any(len(tag) > MAX_TEXT for tag in value):
        raise bad_request(
            f"`tags` holds at most {MAX_TAGS} tags of at most {MAX_TEXT} characters",
            PAYLOAD_NOT_VALID,
        )
    return list(value)


def _object(body: Any, allowed: set[str]) -> None:
    if not isinstance(body, dict):
        raise bad_request("The body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(
            f"Unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    if key not in body:
        return None
    value = body[key]
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise bad_request(
            f"`{key}` must be a string of at most {MAX_TEXT} characters", PAYLOAD_NOT_VALID
        )
    return value
