"""The account stored on disk: what ``IBMQ.save_account()`` and its siblings do.

The file and its format are the original client's (``ibmqjob/credentials.py``). Unlike the
original, any authentication URL may be stored (the original refused every URL but IBM
Quantum's), so that an account of a compatible server, such as the reference server, can be
saved and loaded too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from .credentials import (
    StoredCredentials,
    read_credentials,
    remove_credentials,
    store_credentials,
)
from .exceptions import (
    IBMQAccountCredentialsNotFound,
    IBMQAccountMultipleCredentialsFound,
    IBMQAccountValueError,
)

__all__ = ["delete", "save", "single_stored", "stored_summary", "update"]

logger = logging.getLogger(__name__)

# Authentication URLs of the first IBM Quantum Experience API, migrated by update().
_OLD_IBM_URLS = (
    "https://quantumexperience.ng.bluemix.net/api",
    "https://q-console-api.mybluemix.net/api",
    "https://api.quantum-computing.ibm.com/api",
    "https://api-qcon.quantum-computing.ibm.com/api",
)
_HUB_URL = re.compile(
    r"^(?P<prefix>https?://.+/api)/Hubs/(?P<hub>[^/]+)/Groups/(?P<group>[^/]+)"
    r"/Projects/(?P<project>[^/]+)/?$"
)
_MULTIPLE = (
    "Multiple credentials found in the qiskitrc file; keep one (IBMQ.update_account() "
    "merges the ones of the first IBM Quantum Experience into one)."
)


def save(
    token: str,
    url: str,
    provider: tuple[str, str, str] | None,
    overwrite: bool,
    options: dict[str, Any],
) -> None:
    """Store the account in the qiskitrc file (token and URL already checked).

    Args:
        token: The API token.
        url: The authentication URL.
        provider: The default ``(hub, group, project)``, if any.
        overwrite: Replace an account already stored.
        options: ``verify`` (bool); ``proxies`` is refused (see the module docstring of
            ``ibmqjob.credentials``).

    Raises:
        IBMQAccountValueError: If an option is unknown or unsupported.
    """
    options = dict(options)
    if "proxies" in options:
        raise IBMQAccountValueError(
            "ibmqjob does not take a `proxies` setting: set the HTTPS_PROXY (or HTTP_PROXY) "
            "environment variable instead."
        )
    verify = options.pop("verify", None)
    if verify is not None and not isinstance(verify, bool):
        raise IBMQAccountValueError(f"`verify` needs to be a boolean, not {verify!r}.")
    if options:
        raise IBMQAccountValueError(f"Unknown option(s): {', '.join(sorted(options))}.")
    credentials = StoredCredentials(token, url, default_provider=provider, verify=verify)
    if not store_credentials(credentials, overwrite=overwrite):
        logger.warning("Credentials already present. Set overwrite=True to overwrite.")


def single_stored() -> StoredCredentials | None:
    """Return the one account of the qiskitrc file, ``None`` if it has none.

    Raises:
        IBMQAccountMultipleCredentialsFound: If the file holds more than one.
        IBMQAccountCredentialsInvalidFormat: If the file cannot be read.
    """
    stored = read_credentials()
    if len(stored) > 1:
        raise IBMQAccountMultipleCredentialsFound(_MULTIPLE)
    if stored and stored[0].proxies:
        logger.warning(
            "The stored `proxies` setting is ignored: ibmqjob uses the HTTPS_PROXY and "
            "HTTP_PROXY environment variables."
        )
    return stored[0] if stored else None


def stored_summary() -> dict[str, str]:
    """``{"token": ..., "url": ...}`` of the stored account, ``{}`` if none.

    Raises:
        IBMQAccountMultipleCredentialsFound: If the file holds more than one.
    """
    credentials = single_stored()
    return {} if credentials is None else {"token": credentials.token, "url": credentials.url}


def delete() -> None:
    """Remove the stored account from the qiskitrc file.

    Raises:
        IBMQAccountCredentialsNotFound: If no account is stored.
        IBMQAccountMultipleCredentialsFound: If more than one is.
    """
    credentials = single_stored()
    if credentials is None:
        raise IBMQAccountCredentialsNotFound("No credentials found in the qiskitrc file.")
    remove_credentials(credentials)


def update(
    current_url: str,
    force: bool,
    ask: Callable[[str], str] = input,
    say: Callable[[str], None] = print,
) -> StoredCredentials | None:
    """Migrate stored accounts of older URL forms to one account of the current form.

    Accounts of the first IBM Quantum Experience URLs, or tied to a hub/group/project, become
    one ``[ibmq]`` account with ``current_url``; a hub-scoped URL of another server
    (``https://host/api/Hubs/h/Groups/g/Projects/p``) becomes ``https://host/api`` with that
    project as the default provider. The changes are shown and, unless ``force``, confirmed.

    Args:
        current_url: The authentication URL of IBM Quantum.
        force: Write without asking.
        ask: Asks the user a question (``input``).
        say: Shows a line (``print``).

    Returns:
        The new stored account, or ``None`` when nothing was changed.
    """
    stored = read_credentials()
    say(f"Found {len(stored)} credentials.")
    updated: list[StoredCredentials] = []
    notes: list[str] = []
    for credentials in stored:
        new = _migrated(credentials, current_url)
        if new is None:
            notes.append(f'The stored account with url "{credentials.url}" is already current.')
        else:
            updated.append(new)
    if not updated:
        say("No credentials available for updating could be found. No action will be performed.")
        for note in notes:
            say(note)
        return None
    final = updated[0]
    if len({(c.token, c.url, c.verify) for c in updated}) > 1:
        notes.append("Multiple credentials found with different settings; the first one is kept.")
    say(
        f'The credentials stored will be replaced with a single entry with url "{final.url}"'
        + (
            f" and default provider {'/'.join(final.default_provider)}."
            if final.default_provider
            else "."
        )
    )
    for note in notes:
        say(note)
    if not force and ask("Update the credentials? [y/N]: ") not in ("y", "Y"):
        return None
    for credentials in stored:
        remove_credentials(credentials)
    store_credentials(final, overwrite=True)
    return final


def _migrated(credentials: StoredCredentials, current_url: str) -> StoredCredentials | None:
    url = credentials.url.rstrip("/")
    provider = credentials.default_provider
    match = _HUB_URL.match(url)
    if match:
        url = match["prefix"]
        provider = (match["hub"], match["group"], match["project"])
    elif credentials.hub and credentials.group and credentials.project:
        provider = (credentials.hub, credentials.group, credentials.project)
    if url in _OLD_IBM_URLS:
        url = current_url
    if (url, provider) == (credentials.url, credentials.default_provider) and not (credentials.hub):
        return None
    return StoredCredentials(
        credentials.token,
        url,
        default_provider=provider,
        verify=credentials.verify,
        proxies=credentials.proxies,
    )
