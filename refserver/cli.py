"""The ``serve`` subcommand: run the reference server in the foreground.

``ibmqjob serve`` or ``python -m refserver [serve]``. It prints the API URL once it
accepts connections, then serves until interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from refserver.config import (
    DEFAULT_JOB_LIMIT,
    DEFAULT_PORT,
    DEFAULT_RUN_DELAY,
    DEFAULT_STEP_DELAY,
    DEFAULT_TOKEN_TTL,
    DEFAULT_URL_TTL,
    DEVICE_JOB_LIMIT,
    SIMULATOR_JOB_LIMIT,
    ServerConfig,
)
from refserver.faults import FAULTS, parse_faults

DEFAULT_DATA_DIR = Path("data") / "refserver"


def configure(subparsers: Any) -> None:
    """Add the ``serve`` subcommand to the ``ibmqjob`` command line."""
    parser = subparsers.add_parser(
        "serve",
        help="run the reference server",
        description="Run the reference server of the IBM Quantum job API (jobs run on qiskit-aer).",
    )
    add_arguments(parser)
    parser.set_defaults(func=run_serve)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``serve`` to a parser."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port; 0 for a free one (default %(default)s)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="root URL clients reach the server at, e.g. https://quantum.example.com; every"
        " URL handed out (API, websocket, signed URLs) is built from it, never from the"
        " request's Host header (default: the listening address)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="directory of the database and stored objects (default %(default)s)",
    )
    parser.add_argument(
        "--users-file", type=Path, help="users YAML file (default: the bundled demo users)"
    )
    parser.add_argument(
        "--reservations-file",
        type=Path,
        help="YAML file of backend reservations (format: refserver/reservations.py; default none)",
    )
    parser.add_argument(
        "--step-delay",
        type=float,
        default=DEFAULT_STEP_DELAY,
        help="seconds in each of VALIDATING, VALIDATED and QUEUED (default %(default)s)",
    )
    parser.add_argument(
        "--run-delay",
        type=float,
        default=DEFAULT_RUN_DELAY,
        help="seconds a job stays RUNNING on top of the simulation (default %(default)s)",
    )
    parser.add_argument(
        "--job-limit",
        type=int,
        default=DEFAULT_JOB_LIMIT,
        help="active jobs per project and backend, -1 for none (default:"
        f" {SIMULATOR_JOB_LIMIT} on the simulator, {DEVICE_JOB_LIMIT} on each device)",
    )
    parser.add_argument(
        "--token-ttl", type=int, default=DEFAULT_TOKEN_TTL, help="access token lifetime, seconds"
    )
    parser.add_argument(
        "--url-ttl", type=int, default=DEFAULT_URL_TTL, help="signed URL lifetime, seconds"
    )
    parser.add_argument(
        "--queue-update-interval",
        type=float,
        default=2.0,
        help="seconds between websocket frames of a queued job (default %(default)s)",
    )
    parser.add_argument(
        "--final-frame-extension",
        action="store_true",
        help="the final job-status websocket frame also carries the job document and a signed"
        " result URL (optional protocol extension, spec/asyncapi.yaml)",
    )
    parser.add_argument(
        "--experiment-memory-mb",
        type=int,
        default=256,
        help="simulator memory budget of one experiment, MiB (default %(default)s)",
    )
    parser.add_argument(
        "--calibration-interval",
        type=float,
        default=0.0,
        help="recalibrate devices older than this many seconds; 0 never (default)",
    )
    parser.add_argument(
        "--max-upload-mb",
        type=int,
        default=64,
        help="largest Qobj upload, MiB (default %(default)s)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        help="seconds a client has to send a request's headers (default %(default)s)",
    )
    parser.add_argument(
        "--body-timeout",
        type=float,
        default=60.0,
        help="seconds a client has to send a request's body, else 408 (default %(default)s)",
    )
    parser.add_argument(
        "--maintenance",
        action="append",
        default=[],
        metavar="BACKEND",
        help="start with BACKEND in maintenance: jobs queue but do not run (repeatable)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a deliberate contract deviation (repeatable; see --list-faults)",
    )
    parser.add_argument("--list-faults", action="store_true", help="list the fault names and exit")
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )


def run_serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; return the exit code."""
    if args.list_faults:
        for name, description in FAULTS.items():
            print(f"{name:<26} {description}")
        return 0
    try:
        config = ServerConfig(
            data_dir=args.data_dir,
            users_file=args.users_file,
            step_delay=args.step_delay,
            run_delay=args.run_delay,
            job_limit=args.job_limit,
            token_ttl=args.token_ttl,
            url_ttl=args.url_ttl,
            queue_update_interval=args.queue_update_interval,
            experiment_memory_mb=args.experiment_memory_mb,
            calibration_interval=args.calibration_interval,
            max_upload_bytes=args.max_upload_mb << 20,
            faults=parse_faults(args.fault),
            reservations_file=args.reservations_file,
            public_url=args.public_url,
            header_timeout=args.header_timeout,
            body_timeout=args.body_timeout,
            final_frame_extension=args.final_frame_extension,
        )
        return _serve(config, args)
    except (ValueError, OSError) as err:
        print(f"ibmqjob serve: error: {err}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, _Terminated):
        # Ctrl-C or SIGTERM: uvicorn has already shut down gracefully (jobs in progress
        # resume on the next start); no traceback.
        print(_STOPPED, file=sys.stderr, flush=True)
        return 0


_STOPPED = "ibmqjob reference server stopped"


class _Terminated(Exception):
    """SIGTERM arrived (uvicorn re-raises the signal after its graceful shutdown)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def _serve(config: ServerConfig, args: argparse.Namespace) -> int:
    # Heavy imports (qiskit, aer, uvicorn) only when serving.
    from refserver.app import build_app
    from refserver.runner import bind_socket, listening_url, uvicorn_server

    signal.signal(signal.SIGTERM, _on_sigterm)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with bind_socket(args.host, args.port) as sock:  # closed too when the set-up fails
        listening = listening_url(args.host, sock.getsockname()[1])
        if config.public_url is None:
            config = dataclasses.replace(config, public_url=listening)
        app = build_app(config)
        for backend in args.maintenance:
            app.state.server.scheduler.set_maintenance(backend, True)
        # What start-up made (qiskit, Aer, the app) lives as long as the process: out of the
        # collector's reach, the full collections that running jobs trigger take a third of
        # the time (35 ms to 10 ms with a thousand small circuits in flight).
        gc.collect()
        gc.freeze()
        public = config.public_url or listening
        websocket = "wss" + public[5:] if public.startswith("https:") else "ws" + public[4:]
        print(
            f"ibmqjob reference server listening on {listening}/api"
            f" (clients use {public}/api, websocket {websocket}/ws)",
            flush=True,
        )
        print(f"data directory: {config.data_dir}; demo API token: ibmqjob-demo-token", flush=True)
        uvicorn_server(app, log_level=args.log_level, header_timeout=config.header_timeout).run(
            sockets=[sock]
        )
    # uvicorn re-raises the signal that stopped it, but asyncio's own SIGINT handler may take it
    # after the server task has already finished: then run() simply returns.
    print(_STOPPED, file=sys.stderr, flush=True)
    return 0
