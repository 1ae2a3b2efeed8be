"""Login with an API token, and access tokens with a lifetime."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import OrderedDict
from datetime import timedelta

from refserver.errors import (
    AUTHENTICATION_REQUIRED,
    INVALID_ACCESS_TOKEN,
    LICENSE_REQUIRED,
    LOGIN_FAILED,
    LOGIN_THROTTLED,
    ApiError,
)
from refserver.store import AccessTokenRow, Store
from refserver.timeutil import format_instant, parse_instant, utc_now
from refserver.users import User, UserDirectory


class Authenticator:
    """Issues and checks access tokens.

    Args:
        store: where access tokens are kept (they survive restarts).
        users: the user directory.
        ttl: lifetime of an access token in seconds.
        throttle: limits logins per API token; None for no limit.
    """

    def __init__(
        self,
        store: Store,
        users: UserDirectory,
        ttl: int,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self._store = store
        self.users = users
        self._ttl = ttl
        self._throttle = throttle
        # Access tokens never change once stored: every request checks one, so the rows
        # read are kept (a bounded map, least recently used dropped first).
        self._known: OrderedDict[str, AccessTokenRow] = OrderedDict()
        self._known_lock = threading.Lock()

    def login(self, api_token: str) -> AccessTokenRow:
        """Exchange an API token for a new access token.

        Raises:
            ApiError: 429 when the token was used for too many logins lately (whether it
                is valid or not, so throttling tells nothing about it), 401 for an
                unknown token or a license not accepted.
        """
        if self._throttle is not None:
            wait = self._throttle.acquire(api_token)
            if wait > 0:
                retry = math.ceil(wait)
                raise ApiError(
                    429,
                    LOGIN_THROTTLED,
                    f"Too many logins with this API token; retry in {retry} s",
                    headers={"Retry-After": str(retry)},
                )
        user = self.users.by_api_token(api_token)
        if user is None:
            raise ApiError(401, LOGIN_FAILED, "Login failed: the API token is not valid")
        if not user.license_accepted:
            raise ApiError(
                401,
                LICENSE_REQUIRED,
                "License required. You need to accept the license",
                name="ACCEPT_LICENSE_REQUIRED",
            )
        row = AccessTokenRow(
            secrets.token_urlsafe(48), user.id, format_instant(utc_now()), self._ttl
        )
        self._store.add_access_token(row)
        return row

    def user_for(self, access_token: str | None) -> User:
        """The user of a valid, unexpired access token.

        Raises:
            ApiError: 401 when the token is missing, unknown or expired.
        """
        if not access_token:
            raise ApiError(
                401, AUTHENTICATION_REQUIRED, "Authentication required: send X-Access-Token"
            )
        user = self.find_user(access_token)
        if user is None:
            raise ApiError(401, INVALID_ACCESS_TOKEN, "Invalid or expired access token")
        return user

    def find_user(self, access_token: str) -> User | None:
        """The user of a valid access token, or None."""
        with self._known_lock:
            row = self._known.get(access_token)
            if row is not None:
                self._known.move_to_end(access_token)
        if row is None:
            row = self._store.get_access_token(access_token)
            if row is None:
                return None
            with self._known_lock:
                self._known[access_token] = row
                while len(self._known) > _KNOWN_TOKENS:
                    self._known.popitem(last=False)
        created = parse_instant(row.created)
        if created is None or created + timedelta(seconds=row.ttl) <= utc_now():
            return None
        return self.users.get(row.user_id)


_KNOWN_TOKENS = 10_000


class LoginThrottle:
    """A token bucket per API token: ``burst`` logins at once, then ``rate`` per second.

    Every login stores a new access token, so an unthrottled loop of logins would grow
    the database without bound; a guessed token gets no more tries than a real one.
    At most ``max_tokens`` buckets are kept (the least recently used are forgotten),
    so random tokens cannot exhaust memory either.
    """

    def __init__(self, burst: int, rate: float, max_tokens: int = 10_000) -> None:
        self._burst = float(burst)
        self._rate = rate
        self._max = max_tokens
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take one login for ``key``: 0 if allowed, else the seconds until one is."""
        now = time.monotonic()
        with self._lock:
            level, then = self._buckets.pop(key, (self._burst, now))
            level = min(self._burst, level + (now - then) * self._rate)
            wait = 0.0
            if level >= 1.0:
                level -= 1.0
            else:
                wait = (1.0 - level) / self._rate
            self._buckets[key] = (level, now)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return wait
