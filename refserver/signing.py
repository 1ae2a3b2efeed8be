"""Signed object-storage URLs: bound to one job, one object, one method class and an expiry."""

from __future__ import annotations

import hashlib
import hmac
import time

from refserver.errors import SIGNED_URL_INVALID, ApiError

UPLOAD = "upload"
DOWNLOAD = "download"


class UrlSigner:
    """Makes and checks signed URLs.

    Args:
        key: secret key of the HMAC (kept in the data directory, so URLs survive restarts).
        ttl: lifetime of a URL in seconds.
    """

    def __init__(self, key: bytes, ttl: int) -> None:
        self._key = key
        self._ttl = ttl

    def _signature(self, method_class: str, job_id: str, name: str, expires: int) -> str:
        message = "\n".join((method_class, job_id, name, str(expires))).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def url(self, api_base: str, method_class: str, job_id: str, name: str) -> str:
        """A signed URL of ``<api_base>/objectstorage/<job_id>/<name>``.

        Args:
            api_base: the API base URL, e.g. ``http://127.0.0.1:8390/api``.
            method_class: :data:`UPLOAD` (PUT) or :data:`DOWNLOAD` (GET).
            job_id: the job.
            name: ``qobj`` or ``result``.

        Returns:
            The URL, valid for the signer's lifetime.
        """
        expires = int(time.time()) + self._ttl
        # An integer and hex digits: nothing to quote.
        signature = self._signature(method_class, job_id, name, expires)
        return f"{api_base}/objectstorage/{job_id}/{name}?expires={expires}&signature={signature}"

    def verify(
        self, method_class: str, job_id: str, name: str, expires: str | None, signature: str | None
    ) -> None:
        """Check a signed URL's query.

        Raises:
            ApiError: 403 when the signature is missing, wrong or expired.
        """
        if not expires or not signature:
            raise ApiError(403, SIGNED_URL_INVALID, "Signed URL lacks `expires` or `signature`")
        try:
            expiry = int(expires)
        except ValueError:
            raise ApiError(403, SIGNED_URL_INVALID, "Signed URL has an invalid `expires`") from None
        expected = self._signature(method_class, job_id, name, expiry)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise ApiError(403, SIGNED_URL_INVALID, "Signature does not match this URL and method")
        if expiry < time.time():
            raise ApiError(403, SIGNED_URL_INVALID, "Signed URL has expired")
