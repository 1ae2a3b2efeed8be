"""Accounts stored on disk in the original client's ``qiskitrc`` file.

The file is ``~/.qiskit/qiskitrc`` (the home directory is looked up at each call), an INI
file; the original client and ``ibmqjob`` read and write the same sections::

    [ibmq]
    token = MY_API_TOKEN
    url = https://auth.quantum-computing.ibm.com/api
    verify = True
    default_provider = ibm-q/open/main

Sections whose name starts with ``ibmq`` hold credentials (``ibmq_<hub>_<group>_<project>``
for credentials tied to a project), except ``ibmq.preferences``; other sections are kept
as they are when the file is rewritten. ``proxies`` is read (a Python literal, as the
original wrote it) but ``ibmqjob`` honours only the ``HTTP(S)_PROXY`` environment variables.
"""

from __future__ import annotations

import ast
import configparser
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .exceptions import IBMQAccountCredentialsInvalidFormat

__all__ = [
    "PREFERENCES_SECTION",
    "StoredCredentials",
    "default_qiskitrc_path",
    "read_credentials",
    "remove_credentials",
    "store_credentials",
]

PREFERENCES_SECTION = "ibmq.preferences"


def default_qiskitrc_path() -> Path:
    """Return ``~/.qiskit/qiskitrc`` for the current home directory."""
    return Path.home() / ".qiskit" / "qiskitrc"


@dataclass(frozen=True)
class StoredCredentials:
    """One credentials section of the file.

    Attributes:
        token: The API token (never shown in ``repr``).
        url: The authentication URL.
        hub, group, project: The project the section is tied to (``ibmq_h_g_p``), if any.
        default_provider: ``(hub, group, project)`` to select after login, if any.
        verify: Whether to verify TLS certificates (``None``: not stored).
        proxies: The stored proxy configuration, if any.
    """

    token: str = field(repr=False)
    url: str
    hub: str | None = None
    group: str | None = None
    project: str | None = None
    default_provider: tuple[str, str, str] | None = None
    verify: bool | None = None
    proxies: dict[str, Any] | None = None

    @property
    def unique_id(self) -> tuple[str | None, str | None, str | None]:
        """Two sections with the same hub/group/project are the same account."""
        return (self.hub, self.group, self.project)

    @property
    def section(self) -> str:
        """The section name the original client gives these credentials."""
        if self.hub and self.group and self.project:
            return f"ibmq_{self.hub}_{self.group}_{self.project}"
        return "ibmq"


def read_credentials(filename: Path | str | None = None) -> list[StoredCredentials]:
    """Read the credentials sections of a ``qiskitrc`` file.

    Args:
        filename: The file; :func:`default_qiskitrc_path` if ``None``. A missing file has
            no credentials.

    Returns:
        The credentials, in file order.

    Raises:
        IBMQAccountCredentialsInvalidFormat: If the file cannot be parsed or a section is
            invalid (the message names the file and section).
    """
    path = Path(filename) if filename is not None else default_qiskitrc_path()
    parser = _read(path)
    return [
        _credentials(path, name, parser[name])
        for name in parser.sections()
        if name.startswith("ibmq") and name != PREFERENCES_SECTION
    ]


def store_credentials(
    credentials: StoredCredentials, overwrite: bool = False, filename: Path | str | None = None
) -> bool:
    """Add credentials to the file, creating it (and its folder) if needed.

    Args:
        credentials: The credentials.
        overwrite: Replace credentials with the same hub/group/project already stored.
        filename: The file; :func:`default_qiskitrc_path` if ``None``.

    Returns:
        ``False`` if credentials of the same hub/group/project were stored and
        ``overwrite`` is false (nothing is written), ``True`` otherwise.

    Raises:
        IBMQAccountCredentialsInvalidFormat: If the existing file cannot be parsed.
        OSError: If the file cannot be written.
    """
    path = Path(filename) if filename is not None else default_qiskitrc_path()
    parser = _read(path)
    stored = {c.unique_id: c for c in read_credentials(path)}
    if credentials.unique_id in stored and not overwrite:
        return False
    if credentials.unique_id in stored:
        parser.remove_section(stored[credentials.unique_id].section)
    parser[credentials.section] = _section_of(credentials)
    _write(path, parser)
    return True


def remove_credentials(credentials: StoredCredentials, filename: Path | str | None = None) -> None:
    """Remove the section of ``credentials`` from the file; the other sections stay.

    Raises:
        IBMQAccountCredentialsInvalidFormat: If the file cannot be parsed.
        OSError: If the file cannot be written.
    """
    path = Path(filename) if filename is not None else default_qiskitrc_path()
    parser = _read(path)
    parser.remove_section(credentials.section)
    _write(path, parser)


def _new_parser() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    return parser


def _read(path: Path) -> configparser.ConfigParser:
    parser = _new_parser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as err:
        raise IBMQAccountCredentialsInvalidFormat(f"Error parsing file {path}: {err}") from err
    return parser


def _write(path: Path, parser: configparser.ConfigParser) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the file then renamed: a crash never leaves half a token file, and the
    # file is readable only by its owner, as it holds an API token.
    fd, temporary = tempfile.mkstemp(prefix=".qiskitrc-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            parser.write(handle)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _section_of(credentials: StoredCredentials) -> dict[str, str]:
    values = {"token": credentials.token, "url": credentials.url}
    if credentials.proxies:
        values["proxies"] = repr(credentials.proxies)
    if credentials.verify is not None:
        values["verify"] = str(credentials.verify)
    if credentials.default_provider:
        values["default_provider"] = "/".join(credentials.default_provider)
    return values


def _credentials(path: Path, name: str, section: configparser.SectionProxy) -> StoredCredentials:
    where = f"{path} [{name}]"
    token, url = section.get("token"), section.get("url")
    if not token or not url:
        raise IBMQAccountCredentialsInvalidFormat(f"{where}: `token` and `url` are required.")
    try:
        verify = section.getboolean("verify") if "verify" in section else None
    except ValueError as err:
        raise IBMQAccountCredentialsInvalidFormat(f"{where}: `verify`: {err}.") from err
    return StoredCredentials(
        token=token,
        url=url,
        hub=section.get("hub"),
        group=section.get("group"),
        project=section.get("project"),
        default_provider=_provider(where, section.get("default_provider")),
        verify=verify,
        proxies=_proxies(where, section.get("proxies")),
    )


def _provider(where: str, text: str | None) -> tuple[str, str, str] | None:
    if text is None:
        return None
    parts = text.split("/")
    if len(parts) != 3 or not all(parts):
        raise IBMQAccountCredentialsInvalidFormat(
            f"{where}: `default_provider` must be hub/group/project, not {text!r}."
        )
    return parts[0], parts[1], parts[2]


def _proxies(where: str, text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as err:
        raise IBMQAccountCredentialsInvalidFormat(f"{where}: `proxies`: {err}.") from err
    if not isinstance(value, dict):
        raise IBMQAccountCredentialsInvalidFormat(f"{where}: `proxies` must be a dictionary.")
    return value
