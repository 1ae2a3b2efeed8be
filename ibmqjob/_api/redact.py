"""No secret in any log record: a filter on every logger that the SDK's calls drive.

httpx logs each request URL at INFO (signed object-storage URLs included, whose signature
grants access to a job's data), httpcore and websockets log connections and frames at DEBUG,
and ``ibmqjob`` itself logs requests and retries. :func:`install` puts one
:class:`RedactingFilter` on the ``ibmqjob``, ``httpx``, ``httpcore`` and ``websockets``
loggers and on each of their existing children (a logger's filters see only the records
logged on that logger, not those its children pass up). :func:`login` calls it for every
account, and every account registers its API token and access tokens with :func:`remember`.

The filter rewrites a record only when its text holds a secret:

* every registered token (API token, access tokens) becomes ``...``;
* the value of every credential query parameter of a URL (``signature``, ``sig``,
  ``X-Amz-Signature``, ``X-Amz-Credential``, ``X-Amz-Security-Token``, ``token``,
  ``access_token``, ``apiToken``) becomes ``...``;
* the same in the text of an attached exception.

The message is then the formatted, redacted text and ``args`` is emptied. Records are never
dropped.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["LOGGERS", "RedactingFilter", "forget", "install", "redact_text", "remember"]

LOGGERS = ("ibmqjob", "httpx", "httpcore", "websockets")
"""The logger trees the filter is installed on."""

_SIGNED_PARAM = re.compile(
    r"(?i)([?&;](?:signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|token"
    r"|access_token|access-token|apitoken|api_token)=)[^&;#\s\"'<>)]+"
)
_MIN_SECRET = 6  # shorter strings are not tokens, and would blank common words

_lock = threading.Lock()
_secrets: dict[str, int] = {}  # token -> number of accounts holding it


def remember(secrets: Iterable[str]) -> None:
    """Register tokens to remove from every log record.

    Args:
        secrets: API tokens and access tokens.
    """
    with _lock:
        for secret in secrets:
            if secret and len(secret) >= _MIN_SECRET:
                _secrets[secret] = _secrets.get(secret, 0) + 1


def forget(secrets: Iterable[str]) -> None:
    """Unregister tokens of an account that was closed.

    Args:
        secrets: Tokens given to :func:`remember`.
    """
    with _lock:
        for secret in secrets:
            count = _secrets.get(secret, 0) - 1
            if count > 0:
                _secrets[secret] = count
            else:
                _secrets.pop(secret, None)


def redact_text(text: str) -> str:
    """Return ``text`` without registered tokens or credential query values.

    Args:
        text: Any text.

    Returns:
        The text, each secret replaced by ``...``.
    """
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "...")
    if "=" in text:
        text = _SIGNED_PARAM.sub(r"\1...", text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites records that hold a secret (see the module docstring); drops none."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place.

        Args:
            record: The record.

        Returns:
            ``True``: the record is always kept.
        """
        try:
            text = record.getMessage()
        except Exception:  # a bad format string: keep its parts, as text
            text = f"{record.msg} {record.args}"
        clean = redact_text(text)
        if clean != text:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            shown = logging.Formatter().formatException(record.exc_info)
            clean = redact_text(shown)
            if clean != shown:
                record.exc_text = clean
        return True


_FILTER = RedactingFilter()


def _covered(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in LOGGERS)


def _redacting_factory(
    previous: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _covered(record.name):
            _FILTER.filter(record)
        return record

    make_record.ibmqjob_redacting = True  # type: ignore[attr-defined]
    return make_record


def install() -> None:
    """Redact the records of the SDK's loggers (idempotent).

    Two mechanisms, so that neither a logger created later (``websockets.client`` is created
    when a websocket first opens) nor a record factory installed later escapes: the record
    factory is wrapped to redact every record of those loggers as it is made, and the filter
    is put on each of them that exists.
    """
    with _lock:
        factory = logging.getLogRecordFactory()
        if not getattr(factory, "ibmqjob_redacting", False):
            logging.setLogRecordFactory(_redacting_factory(factory))
    names = set(LOGGERS)
    names.update(name for name in list(logging.Logger.manager.loggerDict) if _covered(name))
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
