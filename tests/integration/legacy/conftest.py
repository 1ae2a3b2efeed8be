"""Run the original client (``.venv-legacy``) against the reference server.

The scenario scripts (``legacy_driver.py`` and the ``legacy_*`` modules beside it) run in a
subprocess with the legacy virtualenv's Python; these fixtures start that subprocess against a
server URL and token and give the tests the parsed JSON report. With ``client="ibmqjob"`` the
same scenarios drive ibmqjob instead, in a subprocess of the main virtualenv's Python (the
driver's ``--client ibmqjob``), so that both clients' reports can be compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
LEGACY_PYTHON = ROOT / ".venv-legacy" / "bin" / "python"
DRIVER = Path(__file__).with_name("legacy_driver.py")


class LegacyReport:
    """The parsed output of one ``legacy_driver`` run.

    Args:
        data: The JSON document printed by the driver.
        stderr: What the driver printed on stderr (shown when an assertion needs it).
    """

    def __init__(self, data: dict[str, Any], stderr: str) -> None:
        self.data = data
        self.stderr = stderr

    def observations(self, scenario: str) -> dict[str, Any]:
        """Return the observations of ``scenario``, failing the test if it did not finish.

        Args:
            scenario: Scenario name.

        Returns:
            The scenario's observations.
        """
        outcome = self.data["scenarios"][scenario]
        if not outcome["ok"]:
            pytest.fail(self.explain(scenario), pytrace=False)
        return dict(outcome["observations"])

    def explain(self, scenario: str) -> str:
        """Describe what the client did in ``scenario``: error, traceback, HTTP failures."""
        outcome = self.data["scenarios"][scenario]
        error = outcome.get("error") or {}
        lines = [
            f"{self.data['client'].get('driven', 'legacy')} scenario {scenario!r} did not finish:",
            f"{error.get('qualname')}: {error.get('message')}",
            error.get("traceback", ""),
            "observations so far: " + json.dumps(outcome.get("observations"), indent=1),
            "HTTP exchanges with an error status: "
            + json.dumps((outcome.get("http") or {}).get("failures"), indent=1),
            "client log: " + json.dumps(outcome.get("logs"), indent=1),
        ]
        return "\n".join(lines)

    def http_failures(self, scenario: str) -> list[dict[str, Any]]:
        """Return the HTTP exchanges of ``scenario`` that failed or had an error status."""
        return list(self.data["scenarios"][scenario]["http"]["failures"])

    def logs(self, scenario: str) -> list[dict[str, str]]:
        """Return the client's INFO-and-above log records during ``scenario``."""
        return list(self.data["scenarios"][scenario]["logs"])


Runner = Callable[..., LegacyReport]


def _environment() -> dict[str, str]:
    """A clean environment for the legacy interpreter: loopback never goes through a proxy."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def legacy_python() -> Path:
    """Path of the legacy interpreter; skips the test when ``.venv-legacy`` does not exist."""
    if not LEGACY_PYTHON.exists():
        pytest.skip(
            f"{LEGACY_PYTHON.parent.parent} is missing: run scripts/legacy-venv "
            "(scripts/test does) to install the original client qiskit-ibmq-provider 0.20.2"
        )
    return LEGACY_PYTHON


@pytest.fixture(scope="session")
def legacy_runner(legacy_python: Path) -> Runner:
    """Return ``run(server, scenarios, params=None, token=None, ...) -> LegacyReport``.

    ``server`` is a running ``refserver.runner.ServerThread``; ``token`` defaults to its demo
    user's token; ``params`` become ``--param key=<json>`` options of the driver; ``timeout``
    bounds the whole driver run and ``scenario_timeout`` each scenario (seconds); ``client``
    is ``"legacy"`` (the original client) or ``"ibmqjob"`` (the same scenarios, run by this
    interpreter with ibmqjob).
    """

    def run(
        server: Any,
        scenarios: Iterable[str],
        params: Mapping[str, Any] | None = None,
        token: str | None = None,
        timeout: float = 240,
        scenario_timeout: float = 120,
        client: str = "legacy",
    ) -> LegacyReport:
        python = legacy_python if client == "legacy" else Path(sys.executable)
        command = [
            str(python),
            str(DRIVER),
            "--client",
            client,
            "--url",
            server.auth_url,
            "--token",
            token or server.demo_token,
            "--scenario-timeout",
            str(scenario_timeout),
        ]
        for key, value in (params or {}).items():
            command += ["--param", f"{key}={json.dumps(value)}"]
        command += list(scenarios)
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_environment(),
            cwd=ROOT,
            check=False,
        )
        if completed.returncode != 0:
            pytest.fail(
                f"{client} driver exited with {completed.returncode}:\n{completed.stderr[-5000:]}",
                pytrace=False,
            )
        if completed.stderr.strip():
            sys.stderr.write(completed.stderr[-5000:])
        report = LegacyReport(json.loads(completed.stdout), completed.stderr)
        if not report.data["account"]["ok"]:
            error = report.data["account"]["error"]
            pytest.fail(
                f"IBMQ.enable_account ({client}) failed against the server:\n"
                f"{error['qualname']}: {error['message']}\n{error['traceback']}\n"
                + json.dumps(report.data["account"]["http"], indent=1),
                pytrace=False,
            )
        return report

    return run
