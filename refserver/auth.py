"""Login with an API token, and access tokens with a lifetime."""

from __future__ import annotations

import secrets
from datetime import timedelta

from refserver.errors import (
    AUTHENTICATION_REQUIRED,
    INVALID_ACCESS_TOKEN,
    LICENSE_REQUIRED,
    LOGIN_FAILED,
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
    """

    def __init__(self, store: Store, users: UserDirectory, ttl: int) -> None:
        self._store = store
        self.users = users
        self._ttl = ttl

    def login(self, api_token: str) -> AccessTokenRow:
        """Exchange an API token for a new access token.

        Raises:
            ApiError: 401 for an unknown token or a license not accepted.
        """
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
        row = self._store.get_access_token(access_token)
        if row is None:
            return None
        created = parse_instant(row.created)
        if created is None or created + timedelta(seconds=row.ttl) <= utc_now():
            return None
        return self.users.get(row.user_id)
