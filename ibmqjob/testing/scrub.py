"""Scrubbing of recorded sessions: every secret becomes a stable placeholder, in code.

A :class:`Scrubber` sees each request and response of one recording (it is vcrpy's
``before_record_request`` / ``before_record_response`` pair) and the frames of the status
websocket. It learns the secrets from where the API puts them, then replaces them everywhere:

* the API token (``apiToken`` of ``POST /users/loginWithToken``) becomes ``API_TOKEN_<n>``;
* the access token (``id`` of the login answer, ``X-Access-Token`` / ``Authorization``
  headers, ``access_token`` query parameters, the websocket's authentication frame) becomes
  ``ACCESS_TOKEN_<n>``;
* URL signatures (``signature=``, ``X-Amz-Signature=``, ``sig=``... in URLs and bodies)
  become ``SIGNATURE``, and other credentials of signed URLs ``CREDENTIAL``;
* user ids and e-mail addresses the server returns (``userId``, the ``id``, ``username`` and
  ``email`` of ``/users/me``) become ``USER_ID_<n>`` and ``user<n>@example.invalid``;
* optionally, server origins (``http://127.0.0.1:<random port>``) become a fixed one.

Placeholders are numbered in the order the secrets are first seen, so a replay that makes the
same calls sends the same placeholders (the access token a replayed login hands the SDK *is*
the placeholder) and its requests match. The hooks are idempotent: vcrpy applies the request
hook to replayed requests before matching them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from vcr.request import Request as VcrRequest

__all__ = ["PLACEHOLDER", "Scrubber"]

PLACEHOLDER = re.compile(
    r"^(API_TOKEN_\d+|ACCESS_TOKEN_\d+|USER_ID_\d+|user\d+@example\.invalid|SIGNATURE|CREDENTIAL)$"
)
# Query parameters (and body fragments) that carry the proof of a signed URL, or a credential.
_SIGNATURE_PARAMS = ("signature", "x-amz-signature", "sig")
_CREDENTIAL_PARAMS = ("x-amz-credential", "x-amz-security-token", "access_token", "token")
_SIGNED = re.compile(
    r"(?i)((?:^|[?&\"'\s])(?:signature|x-amz-signature|sig)=)[^&\"'\s\\]+",
)
_CREDENTIAL = re.compile(
    r"(?i)((?:^|[?&\"'\s])(?:x-amz-credential|x-amz-security-token|access_token)=)[^&\"'\s\\]+",
)
_TOKEN_HEADERS = ("x-access-token", "authorization")
_USER_KEYS = ("userId", "user_id")
# Secrets shorter than this are replaced only where the API puts them, never in free text
# (a user id "demo" must not turn "demo@example.org" into nonsense).
_MIN_FREE_TEXT = 8


class Scrubber:
    """The scrubbing hooks of one recording, remembering every secret it has seen.

    Args:
        api_tokens: API tokens known in advance (numbered first, in this order).
        origins: Server origins to rewrite, e.g. ``{"http://127.0.0.1:40123":
            "http://127.0.0.1:8390"}``; the matching ``ws://`` origin is rewritten too.
    """

    def __init__(
        self, api_tokens: Iterable[str] = (), origins: Mapping[str, str] | None = None
    ) -> None:
        self._placeholders: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        for token in api_tokens:
            self._learn(token, "API_TOKEN")
        self._origins: dict[str, str] = {}
        for origin, replacement in (origins or {}).items():
            self._origins[origin.rstrip("/")] = replacement.rstrip("/")
            if origin.startswith("http") and replacement.startswith("http"):
                self._origins["ws" + origin.rstrip("/")[4:]] = "ws" + replacement.rstrip("/")[4:]

    @property
    def secrets(self) -> list[str]:
        """Return the real secrets seen so far (what a cassette must never hold)."""
        return list(self._placeholders)

    # ------------------------------------------------------------------ vcrpy hooks

    def before_record_request(self, request: VcrRequest) -> VcrRequest:
        """Scrub a request (URI, headers, body); vcrpy calls it before storing or matching.

        Args:
            request: The vcrpy request.

        Returns:
            The same request, scrubbed.
        """
        body = _text(request.body)
        if urlsplit(request.uri).path.endswith("/users/loginWithToken") and body:
            data = _json(body)
            if isinstance(data, dict) and isinstance(data.get("apiToken"), str):
                self._learn(data["apiToken"], "API_TOKEN")
                data["apiToken"] = self._placeholders.get(data["apiToken"], data["apiToken"])
                body = json.dumps(data, separators=(",", ":"))
        for name in list(request.headers):
            value = str(request.headers[name])
            if name.lower() in _TOKEN_HEADERS:
                value = self._header_token(value)
            request.headers[name] = self.text(value)
        request.uri = self._uri(request.uri)
        if body:
            request.body = self.text(body).encode("utf-8")
        return request

    def before_record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        """Scrub a response (body and headers) before it is stored.

        Args:
            response: The vcrpy response dictionary.

        Returns:
            The same dictionary, scrubbed.
        """
        body = response.get("body") or {}
        text = _text(body.get("string", b""))
        data = _json(text)
        if data is not None:
            self._learn_from_answer(data)
            scrubbed = self._structural(data)
            if scrubbed != data:  # else keep the server's bytes as they were
                text = json.dumps(scrubbed, separators=(",", ":"))
        if "string" in body:
            body["string"] = self.text(text).encode("utf-8")
        headers = response.get("headers") or {}
        for name, values in list(headers.items()):
            headers[name] = [self.text(str(value)) for value in values]
        return response

    # ------------------------------------------------------------------ other text

    def text(self, text: str) -> str:
        """Scrub free text: known secrets, origins and signatures of signed URLs.

        Args:
            text: Any text (a body, a header value, a websocket frame).

        Returns:
            The text with every secret replaced by its placeholder.
        """
        for secret, placeholder in self._placeholders.items():
            if len(secret) >= _MIN_FREE_TEXT:
                text = text.replace(secret, placeholder)
        for origin, replacement in self._origins.items():
            text = text.replace(origin, replacement)
        text = _SIGNED.sub(r"\g<1>SIGNATURE", text)
        return _CREDENTIAL.sub(r"\g<1>CREDENTIAL", text)

    def websocket_frame(self, frame: str) -> str:
        """Scrub a websocket frame (the authentication frame carries the access token).

        Args:
            frame: The frame's text.

        Returns:
            The scrubbed text.
        """
        data = _json(frame)
        if isinstance(data, dict) and data.get("type") == "authentication":
            if isinstance(data.get("data"), str):
                data["data"] = self._header_token(data["data"])
            return self.text(json.dumps(data, separators=(",", ":")))
        if data is not None:
            self._learn_from_answer(data)
            scrubbed = self._structural(data)
            if scrubbed != data:
                frame = json.dumps(scrubbed, separators=(",", ":"))
        return self.text(frame)

    # ------------------------------------------------------------------ learning

    def _learn(self, secret: str, kind: str) -> None:
        if not secret or secret in self._placeholders or PLACEHOLDER.match(secret):
            return
        count = self._counts.get(kind, 0) + 1
        self._counts[kind] = count
        self._placeholders[secret] = (
            f"user{count}@example.invalid" if kind == "EMAIL" else f"{kind}_{count}"
        )

    def _learn_from_answer(self, data: Any) -> None:
        if isinstance(data, dict):
            if isinstance(data.get("id"), str) and "ttl" in data:  # the login answer
                self._learn(data["id"], "ACCESS_TOKEN")
            if isinstance(data.get("urls"), dict):  # /users/me: the user's own record
                for key in ("id", "username"):
                    if isinstance(data.get(key), str):
                        self._learn(data[key], "USER_ID")
            for key, value in data.items():
                if key in _USER_KEYS and isinstance(value, str):
                    self._learn(value, "USER_ID")
                elif key == "email" and isinstance(value, str):
                    self._learn(value, "EMAIL")
                elif key in ("accessToken", "access_token") and isinstance(value, str):
                    self._learn(value, "ACCESS_TOKEN")
                elif key == "apiToken" and isinstance(value, str):
                    self._learn(value, "API_TOKEN")
                else:
                    self._learn_from_answer(value)
        elif isinstance(data, list):
            for item in data:
                self._learn_from_answer(item)

    def _structural(self, data: Any) -> Any:
        """Replace every string value that is a known secret, whatever its length."""
        if isinstance(data, dict):
            return {key: self._structural(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self._structural(item) for item in data]
        if isinstance(data, str):
            return self._placeholders.get(data, data)
        return data

    def _header_token(self, value: str) -> str:
        scheme, _, token = value.rpartition(" ")
        self._learn(token, "ACCESS_TOKEN")
        placeholder = self._placeholders.get(token, token)
        return f"{scheme} {placeholder}" if scheme else placeholder

    def _uri(self, uri: str) -> str:
        uri = self.text(uri)
        parts = urlsplit(uri)
        sensitive = _SIGNATURE_PARAMS + _CREDENTIAL_PARAMS
        query = parse_qsl(parts.query, keep_blank_values=True)
        if not any(name.lower() in sensitive for name, _ in query):
            return uri  # as the client wrote it
        pairs = []
        for name, value in query:
            lowered = name.lower()
            if lowered in _SIGNATURE_PARAMS:
                value = "SIGNATURE"
            elif lowered in _CREDENTIAL_PARAMS:
                self._learn(value, "ACCESS_TOKEN")
                value = self._placeholders.get(value, "CREDENTIAL")
            pairs.append(f"{quote(name, safe='')}={quote(value, safe='')}")
        return urlunsplit(parts._replace(query="&".join(pairs)))


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return str(raw)


def _json(text: str) -> Any:
    if not text or text[0] not in "[{":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
