"""Drive the original client (or ibmqjob) against a server and print observations.

By default (``--client legacy``) this script runs inside ``.venv-legacy`` (qiskit-ibmq-provider
0.20.2, which pins numpy<1.24), never in the project's main virtualenv, and imports nothing from
the project. With ``--client ibmqjob`` it runs in the main virtualenv and the very same scenario
source drives ibmqjob instead: before the scenario modules are imported, ``client_shim`` binds
the two names they import from the original client (``qiskit.IBMQ`` and
``qiskit.providers.ibmq.ibmqfactory.IBMQFactory``) to ibmqjob's objects, so every provider,
backend, job and exception the scenarios see is ibmqjob's. Comparing the two reports shows where
ibmqjob answers differently from the original client.

It logs in with ``IBMQ.enable_account(token, url=...)``, runs the named scenarios from
``legacy_scenarios`` one after the other, and prints one JSON document on stdout::

    {"client": {...versions...}, "run_id": "1a2b3c4d",
     "account": {"ok": true, "elapsed_s": 0.4, ...},
     "scenarios": {"bell": {"ok": true, "elapsed_s": 1.2, "observations": {...},
                            "http": {...}, "error": null}, ...}}

A scenario that raises is reported with ``ok: false``, the exception, its traceback and the
HTTP exchanges that ended in an error status, so a wire incompatibility can be routed without
re-running anything. Everything else the client prints goes to stderr.

Usage::

    .venv-legacy/bin/python tests/integration/legacy/legacy_driver.py \\
        --url http://127.0.0.1:PORT/api --token TOKEN [--param key=value ...] SCENARIO ...
    .venv/bin/python tests/integration/legacy/legacy_driver.py --client ibmqjob \\
        --url http://127.0.0.1:PORT/api --token TOKEN SCENARIO ...
    .venv-legacy/bin/python tests/integration/legacy/legacy_driver.py --list
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import time
import types
import warnings
from collections.abc import Iterator
from typing import Any

# The client and terra 0.46 warn about their own deprecation on import; none of it is news here.
warnings.filterwarnings("ignore")

from legacy_http_trace import HttpTrace  # noqa: E402

CLIENTS = ("legacy", "ibmqjob")
# Where each client logs (the driver keeps INFO and above of these loggers).
LOGGERS = {"legacy": "qiskit.providers.ibmq", "ibmqjob": "ibmqjob"}


class LogCapture(logging.Handler):
    """Keeps the client's INFO-and-above log records (e.g. websocket fallbacks to polling)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.records: list[dict[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(
            {"logger": record.name, "level": record.levelname, "message": record.getMessage()}
        )

    def mark(self) -> int:
        """Return a position in the captured records."""
        return len(self.records)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    with contextlib.redirect_stdout(sys.stderr):
        yield


def _parse_params(pairs: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise SystemExit(f"--param needs key=value, got {pair!r}")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    return params


def _load_scenarios(client: str) -> types.ModuleType:
    """Import the scenario modules, bound to ``client``'s objects.

    Args:
        client: ``"legacy"`` (the installed qiskit-ibmq-provider) or ``"ibmqjob"``.

    Returns:
        The ``legacy_scenarios`` module.
    """
    if client == "ibmqjob":
        from client_shim import install_ibmqjob

        install_ibmqjob()
    import legacy_scenarios

    return legacy_scenarios


def _describe(exc: BaseException) -> dict[str, Any]:
    from legacy_common import describe_exception

    return describe_exception(exc)


def _client_versions(client: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"driven": client}
    dists = ["qiskit-ibmq-provider", "qiskit", "qiskit-terra", "numpy", "requests"]
    if client == "ibmqjob":
        dists = ["ibmqjob", "qiskit", "qiskit-terra", "qiskit-aer", "numpy", "httpx"]
    for dist in dists:
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = "absent"
    return versions


def _enable_account(args: argparse.Namespace, trace: HttpTrace, logs: LogCapture) -> dict[str, Any]:
    from qiskit import IBMQ

    mark, log_mark = trace.mark(), logs.mark()
    started = time.monotonic()
    try:
        provider = IBMQ.enable_account(args.token, url=args.url)
    except Exception as exc:
        return {
            "ok": False,
            "elapsed_s": round(time.monotonic() - started, 3),
            "error": _describe(exc),
            "http": trace.summary(mark),
            "logs": logs.records[log_mark:],
        }
    return {
        "provider": provider,
        "ok": True,
        "elapsed_s": round(time.monotonic() - started, 3),
        "http": trace.summary(mark),
        "logs": logs.records[log_mark:],
    }


class ScenarioTimeout(Exception):
    """A scenario ran longer than ``--scenario-timeout`` (e.g. the client looped forever)."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise ``ScenarioTimeout`` in the main thread once ``seconds`` have passed.

    The original client can loop forever on a misbehaving server (cursor paging that never
    ends, a websocket that never closes); the alarm turns that into a reported failure whose
    traceback shows where the client was stuck.
    """

    def expire(signum: int, frame: Any) -> None:
        raise ScenarioTimeout(f"the scenario did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run_scenario(
    scenarios: types.ModuleType,
    name: str,
    ctx: Any,
    trace: HttpTrace,
    logs: LogCapture,
    timeout: float,
) -> dict[str, Any]:
    http_mark, log_mark = trace.mark(), logs.mark()
    observations: dict[str, Any] = {}
    started = time.monotonic()
    error = None
    try:
        with _deadline(timeout):
            scenarios.SCENARIOS[name](ctx, observations)
    except Exception as exc:
        error = _describe(exc)
    return {
        "ok": error is None,
        "elapsed_s": round(time.monotonic() - started, 3),
        "observations": observations,
        "error": error,
        "http": trace.summary(http_mark),
        "logs": logs.records[log_mark:],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the requested scenarios and print the JSON report.

    Args:
        argv: Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns:
        0 when the report was printed (whether or not scenarios failed), 2 on bad usage.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--client",
        choices=CLIENTS,
        default="legacy",
        help="the client the scenarios drive: the original one (in .venv-legacy) or ibmqjob "
        "(in the main virtualenv)",
    )
    parser.add_argument("--url", help="auth URL, e.g. http://127.0.0.1:8000/api")
    parser.add_argument("--token", help="API token of the user")
    parser.add_argument("--param", action="append", default=[], help="key=value (JSON value)")
    parser.add_argument(
        "--scenario-timeout", type=float, default=120.0, help="seconds allowed per scenario"
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("scenarios", nargs="*")
    args = parser.parse_args(argv)
    legacy_scenarios = _load_scenarios(args.client)
    if args.list:
        for name, func in legacy_scenarios.SCENARIOS.items():
            print(f"{name}: {(func.__doc__ or '').strip().splitlines()[0]}")
        return 0
    unknown = [s for s in args.scenarios if s not in legacy_scenarios.SCENARIOS]
    if not args.url or not args.token or not args.scenarios or unknown:
        parser.error(f"--url, --token and known scenarios are required (unknown: {unknown})")

    trace, logs = HttpTrace(), LogCapture()
    trace.install(args.client)
    logging.getLogger(LOGGERS[args.client]).addHandler(logs)
    logging.getLogger(LOGGERS[args.client]).setLevel(logging.INFO)
    report: dict[str, Any] = {"client": _client_versions(args.client), "scenarios": {}}
    with _stdout_to_stderr():
        report["account"] = _enable_account(args, trace, logs)
        ctx = legacy_scenarios.Context(
            url=args.url,
            token=args.token,
            params=_parse_params(args.param),
            default_provider=report["account"].pop("provider", None),
        )
        # Job names and tags start with the run id; side-by-side comparisons factor it out.
        report["run_id"] = ctx.run_id
        for name in args.scenarios:
            if report["account"]["ok"] or name in legacy_scenarios.WITHOUT_ACCOUNT:
                report["scenarios"][name] = _run_scenario(
                    legacy_scenarios, name, ctx, trace, logs, args.scenario_timeout
                )
            else:
                report["scenarios"][name] = {"ok": False, "error": report["account"]["error"]}
    json.dump(report, sys.stdout, indent=1, sort_keys=True, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
