"""The leak check: does a recorded session still hold a secret?

Two searches, so that a secret is found even when the scrubber never learnt it:

* by place: where the API carries secrets (the login's ``apiToken`` and ``id``, the
  ``X-Access-Token`` and ``Authorization`` headers, the websocket's authentication frame,
  ``userId`` and ``email`` fields, signed URLs), anything but a placeholder is a leak;
* by shape: long runs of token characters (access tokens, JWTs, keys), anywhere in the file.

Secrets known by value (the tokens a recording used) are searched for as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .scrub import PLACEHOLDER

__all__ = ["Leak", "find_leaks", "leaks_in_folder"]

# Job ids are 24 hex characters and UUIDs have dashes every few characters: neither matches.
_TOKEN_SHAPED = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{40,}(?![A-Za-z0-9_\-])")
_SIGNED = re.compile(
    r"(?i)(?:signature|x-amz-signature|sig|x-amz-credential|x-amz-security-token|access_token)"
    r"=([^&\"'\s\\]+)"
)
_SECRET_HEADERS = ("x-access-token", "authorization")
_SECRET_KEYS = ("apiToken", "accessToken", "access_token", "userId", "user_id", "email")


@dataclass(frozen=True)
class Leak:
    """A secret found in a recorded session.

    Attributes:
        where: Where it is (``interaction 3, request header x-access-token``...).
        excerpt: Its first characters only, so that the report does not leak it again.
    """

    where: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.where}: {self.excerpt}"


def find_leaks(text: str, known: Iterable[str] = ()) -> list[Leak]:
    """Return the secrets a cassette's text holds.

    Args:
        text: The text of a cassette (YAML or JSON, as vcrpy writes it).
        known: Secret values that must not appear anywhere.

    Returns:
        The leaks found, each once; empty if the cassette is clean.
    """
    leaks = [Leak("known secret", _excerpt(s)) for s in known if s and s in text]
    leaks += [Leak("token-shaped text", _excerpt(m)) for m in _TOKEN_SHAPED.findall(text)]
    data = _load(text)
    if isinstance(data, dict):
        leaks += _placed_leaks(data)
    else:
        leaks += [Leak("signed URL", _excerpt(v)) for v in _SIGNED.findall(text) if _bad(v)]
    return sorted(set(leaks), key=lambda leak: (leak.where, leak.excerpt))


def leaks_in_folder(folder: Path, known: Iterable[str] = ()) -> dict[Path, list[Leak]]:
    """Check every cassette (``*.yaml``, ``*.yml``, ``*.json``) under a folder.

    Args:
        folder: The folder, searched recursively (a single file is checked alone).
        known: Secret values that must not appear anywhere.

    Returns:
        The leaks of each cassette that has some.

    Raises:
        FileNotFoundError: If the folder does not exist.
    """
    if not folder.exists():
        raise FileNotFoundError(f"No such file or folder: {folder}")
    files = (
        [folder]
        if folder.is_file()
        else sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    )
    known = list(known)
    found = {path: find_leaks(path.read_text(encoding="utf-8"), known) for path in files}
    return {path: leaks for path, leaks in found.items() if leaks}


def _load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None


def _placed_leaks(cassette: dict[str, Any]) -> Iterator[Leak]:
    for index, interaction in enumerate(cassette.get("interactions") or []):
        request = interaction.get("request") or {}
        response = interaction.get("response") or {}
        where = f"interaction {index + 1} ({request.get('method')} {request.get('uri')})"
        for value in _SIGNED.findall(str(request.get("uri", ""))):
            if _bad(value):
                yield Leak(f"{where}, request URL", _excerpt(value))
        for name, values in (request.get("headers") or {}).items():
            if name.lower() in _SECRET_HEADERS:
                for value in values or []:
                    if _bad(str(value).rpartition(" ")[2]):
                        yield Leak(f"{where}, request header {name}", _excerpt(str(value)))
        yield from _body_leaks(f"{where}, request body", request.get("body"))
        body = response.get("body") or {}
        yield from _body_leaks(f"{where}, response body", body.get("string"))
        if '"ttl"' in str(body.get("string")):  # the login answer: its id is the access token
            answer = _json(body.get("string"))
            if isinstance(answer, dict) and _bad(answer.get("id")):
                yield Leak(f"{where}, access token", _excerpt(str(answer.get("id"))))
    for index, session in enumerate(cassette.get("websockets") or []):
        where = f"websocket {index + 1} ({session.get('url')})"
        for event in session.get("events") or []:
            frame = event.get("send") or event.get("recv")
            message = _json(frame)
            if isinstance(message, dict) and message.get("type") == "authentication":
                if _bad(message.get("data")):
                    yield Leak(f"{where}, authentication frame", _excerpt(str(message["data"])))
            yield from _body_leaks(f"{where}, frame", frame)


def _body_leaks(where: str, body: Any) -> Iterator[Leak]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    for value in _SIGNED.findall(text):
        if _bad(value):
            yield Leak(f"{where}, signed URL", _excerpt(value))
    yield from (Leak(f"{where}, field {key}", _excerpt(v)) for key, v in _fields(_json(text)))


def _fields(data: Any) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _SECRET_KEYS and isinstance(value, str) and _bad(value):
                yield key, value
            else:
                yield from _fields(value)
    elif isinstance(data, list):
        for item in data:
            yield from _fields(item)


def _json(body: Any) -> Any:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not isinstance(text, str) or not text or text[0] not in "[{":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _bad(value: Any) -> bool:
    """A value in a secret's place that is not one of the scrubber's placeholders."""
    return isinstance(value, str) and bool(value) and not PLACEHOLDER.match(value)


def _excerpt(secret: str) -> str:
    return f"{secret[:4]}... ({len(secret)} characters)"
