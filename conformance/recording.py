"""Recorded sessions (vcrpy cassettes) of the scenarios, with every secret scrubbed in code.

A cassette must be safe to publish and must still replay. :class:`Scrubber` therefore
replaces each secret with a fixed placeholder, the same way in requests and in responses, so
that what a replayed response hands the SDK (an access token, a signed URL) is exactly what the
recorded requests carry:

* API tokens (login request bodies) become ``API_TOKEN_<n>``;
* access tokens (the ``id`` of login responses, then ``X-Access-Token`` headers and any echo in
  a body) become ``ACCESS_TOKEN_<n>``;
* URL signatures (``signature=...`` in URIs and in response bodies) become ``SIGNATURE``;
* the server's origin (``http://127.0.0.1:<random port>``) becomes :data:`REPLAY_ORIGIN`, so
  cassettes do not depend on the port the recording happened to get.

The same hooks run on requests during replay (vcrpy applies ``before_record_request`` before
matching), so they are idempotent. A test greps every cassette for tokens on top of this.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import vcr
from vcr.request import Request as VcrRequest

__all__ = [
    "CASSETTE_DIR",
    "REPLAY_ORIGIN",
    "SECRET_PATTERNS",
    "Scrubber",
    "cassette_path",
    "find_secrets",
    "vcr_for",
]

CASSETTE_DIR = Path(__file__).resolve().parent / "cassettes"
REPLAY_ORIGIN = "http://127.0.0.1:8390"
SIGNATURE_PLACEHOLDER = "SIGNATURE"
_SIGNATURE = re.compile(r"(signature=)[^&\"'\s]+")
_LOGIN_PATH = "/users/loginWithToken"

# Text that looks like a credential: long URL-safe base64 or hex runs (job ids are 24 hex
# characters and UUIDs have dashes every few characters, so neither matches), and the
# reference server's bundled API tokens.
SECRET_PATTERNS = (
    re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{40,}(?![A-Za-z0-9_\-])"),
    re.compile(r"ibmqjob-[a-z]+-token"),
)


class Scrubber:
    """The before-record hooks of one recording, remembering the secrets it has seen.

    Args:
        api_tokens: The API tokens the recording uses (scrubbed wherever they appear).
        origin: The recorded server's origin, e.g. ``http://127.0.0.1:40123``.
    """

    def __init__(self, api_tokens: list[str], origin: str) -> None:
        self._replacements: dict[str, str] = {
            token: f"API_TOKEN_{index + 1}" for index, token in enumerate(api_tokens)
        }
        self._origins = {origin.rstrip("/"): REPLAY_ORIGIN}
        if origin.startswith("http://"):
            self._origins["ws://" + origin[len("http://") :].rstrip("/")] = (
                "ws://" + REPLAY_ORIGIN[7:]
            )

    def _text(self, text: str) -> str:
        for secret, placeholder in self._replacements.items():
            text = text.replace(secret, placeholder)
        for origin, replacement in self._origins.items():
            text = text.replace(origin, replacement)
        return _SIGNATURE.sub(r"\g<1>" + SIGNATURE_PLACEHOLDER, text)

    def _remember_access_token(self, body: str) -> None:
        try:
            token = json.loads(body).get("id")
        except (ValueError, AttributeError):
            return
        if isinstance(token, str) and token and token not in self._replacements:
            count = sum(p.startswith("ACCESS_TOKEN_") for p in self._replacements.values())
            self._replacements[token] = f"ACCESS_TOKEN_{count + 1}"

    def before_record_request(self, request: VcrRequest) -> VcrRequest:
        """Scrub a request (URI, headers, body) before it is stored or matched.

        Args:
            request: The vcrpy request.

        Returns:
            The scrubbed request.
        """
        request.uri = self._text(request.uri)
        for name in list(request.headers):
            request.headers[name] = self._text(str(request.headers[name]))
        if request.body:
            body = request.body
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
            request.body = self._text(text).encode("utf-8")
        return request

    def before_record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        """Scrub a response (body and headers) before it is stored.

        Args:
            response: The vcrpy response dictionary.

        Returns:
            The scrubbed response.
        """
        raw = response.get("body", {}).get("string", b"")
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        if '"id"' in text and "ttl" in text:
            self._remember_access_token(text)
        response["body"]["string"] = self._text(text).encode("utf-8")
        headers = response.get("headers", {})
        for name, values in list(headers.items()):
            headers[name] = [self._text(str(value)) for value in values]
        return response


def cassette_path(scenario: str, directory: Path | None = None) -> Path:
    """Return the cassette file of a scenario."""
    return (directory or CASSETTE_DIR) / f"{scenario}.yaml"


def vcr_for(record_mode: str, scrubber: Scrubber | None = None) -> vcr.VCR:
    """Build the VCR used for recording (``all``) or replay (``none``).

    Args:
        record_mode: vcrpy record mode.
        scrubber: The hooks; required when recording.

    Returns:
        The configured VCR.
    """
    options: dict[str, Any] = {
        "record_mode": record_mode,
        "match_on": ("method", "scheme", "host", "port", "path", "query"),
        "decode_compressed_response": True,
    }
    if scrubber is not None:
        options["before_record_request"] = scrubber.before_record_request
        options["before_record_response"] = scrubber.before_record_response
    return vcr.VCR(**options)


def find_secrets(text: str, known: list[str]) -> list[str]:
    """Return the known secrets and the token-like strings found in a text.

    Args:
        text: A cassette's text.
        known: Secrets that must never appear.

    Returns:
        What was found (each item once).
    """
    found = [secret for secret in known if secret and secret in text]
    for pattern in SECRET_PATTERNS:
        found += pattern.findall(text)
    return sorted(set(found))
