"""Accounts: ``IBMQ.enable_account(token, url=...)`` and the providers of the account.

The user gives only an API token and the authentication URL (the IBM Quantum one by
default, or a compatible server such as the reference server); the API and websocket URLs
come from ``/users/me``. ``IBMQ.load_account()`` reads the credentials from the
environment: ``IBMQJOB_TOKEN`` and ``IBMQJOB_URL``, or the original client's ``QE_TOKEN``
and ``QE_URL`` (with the optional ``QE_HUB``, ``QE_GROUP`` and ``QE_PROJECT``); else from
the account saved by ``IBMQ.save_account()`` in the original client's ``~/.qiskit/qiskitrc``
(``ibmqjob/credentials.py``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import _stored_account
from ._api.operations import AccountSession, login
from ._api.records import ProjectRef
from .credentials import StoredCredentials
from .exceptions import (
    IBMQAccountCredentialsInvalidToken,
    IBMQAccountCredentialsInvalidUrl,
    IBMQAccountCredentialsNotFound,
    IBMQAccountError,
    IBMQAccountValueError,
    IBMQProviderError,
    RequestsApiError,
)
from .provider import AccountProvider
from .settings import HttpSettings

__all__ = ["IBMQ", "QX_AUTH_URL", "Credentials", "IBMQFactory", "credentials_from_env"]

logger = logging.getLogger(__name__)

QX_AUTH_URL = "https://auth.quantum-computing.ibm.com/api"
"""The default authentication URL."""

# A URL of the original, hub-scoped form: ``https://host/api/Hubs/h/Groups/g/Projects/p``.
_HUB_URL = re.compile(
    r"^(?P<prefix>https?://.+/api)/Hubs/(?P<hub>[^/]+)/Groups/(?P<group>[^/]+)"
    r"/Projects/(?P<project>[^/]+)/?$"
)


@dataclass(frozen=True)
class Credentials:
    """An API token and where to use it.

    Attributes:
        token: The API token (never shown in ``repr``).
        url: The authentication URL.
        hub: Hub to select, if any.
        group: Group to select, if any.
        project: Project to select, if any.
    """

    token: str = field(repr=False)
    url: str = QX_AUTH_URL
    hub: str | None = None
    group: str | None = None
    project: str | None = None


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Read credentials from the environment.

    ``IBMQJOB_TOKEN`` (with ``IBMQJOB_URL``, the default URL when unset) comes first; then
    ``QE_TOKEN`` with ``QE_URL`` (both needed, as in the original client), ``QE_HUB``,
    ``QE_GROUP`` and ``QE_PROJECT``.

    Args:
        environ: The environment; ``os.environ`` if ``None``.

    Returns:
        The credentials, or ``None`` if the environment has none.
    """
    env = os.environ if environ is None else environ
    if env.get("IBMQJOB_TOKEN"):
        return Credentials(env["IBMQJOB_TOKEN"], env.get("IBMQJOB_URL") or QX_AUTH_URL)
    if env.get("QE_TOKEN") and env.get("QE_URL"):
        return Credentials(
            env["QE_TOKEN"],
            env["QE_URL"],
            env.get("QE_HUB") or None,
            env.get("QE_GROUP") or None,
            env.get("QE_PROJECT") or None,
        )
    return None


class IBMQFactory:
    """Entry point of an account: enable it, then pick a provider (hub/group/project)."""

    def __init__(self) -> None:
        """Create a factory with no account enabled."""
        self._credentials: Credentials | None = None
        self._session: AccountSession | None = None
        self._providers: dict[ProjectRef, AccountProvider] = {}

    def enable_account(
        self,
        token: str,
        url: str = QX_AUTH_URL,
        hub: str | None = None,
        group: str | None = None,
        project: str | None = None,
        *,
        verify: bool = True,
        http_settings: HttpSettings | None = None,
        use_websocket: bool = True,
    ) -> AccountProvider:
        """Log in with an API token and return the default (or the selected) provider.

        Args:
            token: The API token.
            url: The authentication URL (``http://127.0.0.1:PORT/api`` for a local server).
                A URL of the original form ``.../api/Hubs/h/Groups/g/Projects/p`` also
                selects that provider.
            hub: Hub of the provider to return.
            group: Group of the provider to return.
            project: Project of the provider to return.
            verify: Whether to verify TLS certificates.
            http_settings: Timeouts, retries and transport of the HTTP client.
            use_websocket: Whether jobs wait for their status on the websocket before
                polling; ``False`` for networks that block websockets (jobs then only poll).

        Returns:
            The provider: the one selected by ``hub``/``group``/``project``, else the
            default one.

        Raises:
            IBMQAccountError: If an account is already enabled, or it has no project.
            IBMQAccountCredentialsInvalidToken: If the token is empty or rejected.
            IBMQAccountCredentialsInvalidUrl: If the server at the URL answers, but not as a
                service of this API.
            IBMQProviderError: If no provider matches ``hub``/``group``/``project``.
            RequestsApiError: ``cannot reach <url>: <reason>`` (``status_code`` -1) if the
                server does not answer at all; any other server failure.
        """
        if self._session is not None:
            raise IBMQAccountError(
                "An account is already enabled in this session; call disable_account() first."
            )
        credentials = _checked_credentials(token, url, hub, group, project)
        settings = http_settings or HttpSettings(verify=verify)
        session = _login(credentials, settings)
        try:
            refs = session.network()
            if not refs:
                raise IBMQAccountError("The account has no hub/group/project to use.")
            providers = {
                ref: AccountProvider(ref, session.project(ref, use_websocket=use_websocket))
                for ref in refs
            }
        except BaseException:
            session.close()
            raise
        self._credentials, self._session, self._providers = credentials, session, providers
        if credentials.hub or credentials.group or credentials.project:
            return self.get_provider(credentials.hub, credentials.group, credentials.project)
        return next(iter(providers.values()))

    def load_account(self, *, http_settings: HttpSettings | None = None) -> AccountProvider:
        """Enable the account found in the environment, else the one stored on disk.

        The environment comes first (see :func:`credentials_from_env`), then the account
        saved with :meth:`save_account` in ``~/.qiskit/qiskitrc``, whose default provider (if
        any) is returned.

        Args:
            http_settings: Timeouts, retries and transport of the HTTP client.

        Returns:
            The default (or the selected) provider.

        Raises:
            IBMQAccountCredentialsNotFound: If neither has credentials.
            IBMQAccountMultipleCredentialsFound: If the file holds more than one account.
            IBMQAccountCredentialsInvalidFormat: If the file cannot be read.
            IBMQAccountError: See :meth:`enable_account`.
        """
        credentials = credentials_from_env()
        stored = None if credentials is not None else _stored_account.single_stored()
        if stored is not None:
            hub, group, project = stored.default_provider or (None, None, None)
            credentials = Credentials(stored.token, stored.url, hub, group, project)
            if http_settings is None and stored.verify is not None:
                http_settings = HttpSettings(verify=stored.verify)
        if credentials is None:
            raise IBMQAccountCredentialsNotFound(
                "No credentials found: set IBMQJOB_TOKEN (and IBMQJOB_URL), or QE_TOKEN and "
                "QE_URL, or save an account with IBMQ.save_account()."
            )
        return self.enable_account(
            credentials.token,
            credentials.url,
            credentials.hub,
            credentials.group,
            credentials.project,
            http_settings=http_settings,
        )

    @staticmethod
    def save_account(
        token: str,
        url: str = QX_AUTH_URL,
        hub: str | None = None,
        group: str | None = None,
        project: str | None = None,
        overwrite: bool = False,
        **kwargs: Any,
    ) -> None:
        """Save the account in ``~/.qiskit/qiskitrc`` (the original client's file) for later.

        Args:
            token: The API token.
            url: The authentication URL (any compatible server, unlike the original).
            hub: Hub of the default provider (all three of hub, group, project, or none).
            group: Group of the default provider.
            project: Project of the default provider.
            overwrite: Replace the account already saved.
            kwargs: ``verify`` (bool). ``proxies`` is refused: use ``HTTPS_PROXY``.

        Raises:
            IBMQAccountCredentialsInvalidToken: If the token is not a non-empty string.
            IBMQAccountCredentialsInvalidUrl: If the URL is not an http(s) URL.
            IBMQAccountValueError: If only some of hub, group, project are given, or an
                option is unknown.
        """
        checked = _checked_credentials(token, url, hub, group, project)
        provider = None
        if checked.hub and checked.group and checked.project:
            provider = (checked.hub, checked.group, checked.project)
        elif checked.hub or checked.group or checked.project:
            raise IBMQAccountValueError(
                "The hub, group, and project parameters must all be specified when storing a "
                f"default provider to disk: hub = {hub!r}, group = {group!r}, project = "
                f"{project!r}."
            )
        _stored_account.save(checked.token, checked.url, provider, overwrite, kwargs)

    @staticmethod
    def stored_account() -> dict[str, str]:
        """Return ``{"token": ..., "url": ...}`` of the saved account, ``{}`` if none.

        Raises:
            IBMQAccountMultipleCredentialsFound: If the file holds more than one account.
        """
        return _stored_account.stored_summary()

    @staticmethod
    def delete_account() -> None:
        """Delete the saved account from ``~/.qiskit/qiskitrc``.

        Raises:
            IBMQAccountCredentialsNotFound: If no account is saved.
            IBMQAccountMultipleCredentialsFound: If more than one is.
        """
        _stored_account.delete()

    @staticmethod
    def update_account(force: bool = False) -> StoredCredentials | None:
        """Migrate saved accounts of older URL forms to one account of the current form.

        Shows the changes and, unless ``force``, asks for confirmation on the terminal.

        Args:
            force: Write without asking.

        Returns:
            The new saved account, or ``None`` if nothing was changed.
        """
        return _stored_account.update(QX_AUTH_URL, force)

    def disable_account(self) -> None:
        """Forget the enabled account and close its connections.

        Raises:
            IBMQAccountCredentialsNotFound: If no account is enabled.
        """
        session = self._require_session()
        session.close()
        self._credentials, self._session, self._providers = None, None, {}

    def active_account(self) -> dict[str, str] | None:
        """Return ``{"token": ..., "url": ...}`` of the enabled account, or ``None``."""
        if self._credentials is None:
            return None
        return {"token": self._credentials.token, "url": self._credentials.url}

    def providers(
        self, hub: str | None = None, group: str | None = None, project: str | None = None
    ) -> list[AccountProvider]:
        """Return the providers of the account, optionally filtered.

        Args:
            hub: Only providers of this hub.
            group: Only providers of this group.
            project: Only providers of this project.

        Returns:
            The providers, the default one first; none when no account is enabled.
        """
        return [
            provider
            for ref, provider in self._providers.items()
            if (not hub or ref.hub == hub)
            and (not group or ref.group == group)
            and (not project or ref.project == project)
        ]

    def get_provider(
        self, hub: str | None = None, group: str | None = None, project: str | None = None
    ) -> AccountProvider:
        """Return the one provider matching the filters.

        Args:
            hub: The hub.
            group: The group.
            project: The project.

        Returns:
            The provider.

        Raises:
            IBMQProviderError: If no provider, or more than one, matches (or no account is
                enabled).
        """
        providers = self.providers(hub, group, project)
        wanted = f"hub = {hub}, group = {group}, project = {project}"
        if not providers:
            if self._session is None:
                raise IBMQProviderError(
                    f"No provider matches the specified criteria: {wanted}. No account is "
                    "enabled: call enable_account() or load_account() first."
                )
            known = ", ".join(str(ref) for ref in self._providers)
            raise IBMQProviderError(
                f"No provider matches the specified criteria: {wanted}. Available: {known}."
            )
        if len(providers) > 1:
            raise IBMQProviderError(
                f"More than one provider matches the specified criteria: {wanted}; give hub, "
                "group and project."
            )
        return providers[0]

    def _require_session(self) -> AccountSession:
        if self._session is None:
            raise IBMQAccountCredentialsNotFound(
                "No account is enabled: call enable_account() or load_account() first."
            )
        return self._session

    def __repr__(self) -> str:
        account = "none" if self._credentials is None else repr(self._credentials.url)
        return f"<IBMQFactory account={account}>"


def _checked_credentials(
    token: object, url: object, hub: str | None, group: str | None, project: str | None
) -> Credentials:
    if not isinstance(token, str) or not token.strip():
        raise IBMQAccountCredentialsInvalidToken("The API token needs to be a non-empty string.")
    if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url):
        raise IBMQAccountCredentialsInvalidUrl(
            f"The URL needs to be an http:// or https:// URL, not {url!r}."
        )
    match = _HUB_URL.match(url)
    if match:
        url = match["prefix"]
        hub, group, project = match["hub"], match["group"], match["project"]
    for name, value in (("hub", hub), ("group", group), ("project", project)):
        if value is not None and not isinstance(value, str):
            raise IBMQAccountValueError(f"{name} needs to be a string, not {value!r}.")
    return Credentials(token, url.rstrip("/"), hub, group, project)


def _login(credentials: Credentials, settings: HttpSettings) -> AccountSession:
    try:
        return login(credentials.url, credentials.token, settings)
    except RequestsApiError as err:
        if err.status_code in (401, 403):
            raise IBMQAccountCredentialsInvalidToken(
                f"The server rejected the API token: {err.message}"
            ) from err
        raise


IBMQ = IBMQFactory()
"""The account entry point: ``IBMQ.enable_account(token, url=...)``."""
