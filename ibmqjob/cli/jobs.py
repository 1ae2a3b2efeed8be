"""The job commands of ``ibmqjob``: ``run``, ``status``, ``result``, ``cancel`` and ``jobs``.

``ibmqjob run [CIRCUIT.qasm ...]`` loads OpenQASM 2 files (the bundled Bell circuit by
default), transpiles them for the backend, submits them, shows the progress and prints the
counts. One circuit is one job; several (more than one file, or ``--repeat N``) go through
the job manager (:mod:`ibmqjob.managed`): split into jobs within the backend's
``max_experiments``, submitted together, the progress shown as jobs done out of the total.
The server is given by ``--url``/``--token`` or the environment (``IBMQJOB_URL`` and
``IBMQJOB_TOKEN``, or ``QE_URL`` and ``QE_TOKEN``); without one, ``run`` starts the embedded
reference server in this process for the duration of the command. The other commands need a
server.

``status``, ``result`` and ``jobs`` take ``--json``: one JSON document on standard output
(keys in :func:`job_summary` and :func:`result_summary`), nothing else there.

Exit codes: :data:`ibmqjob.cli.exits.EXIT_CODES` (0 success, 1 the job did not finish well,
2 bad usage, 3 the server could not be used, 4 no such job, 130 interrupted).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from qiskit import QuantumCircuit, transpile
from qiskit.exceptions import QiskitError
from qiskit.providers import JobStatus
from qiskit.providers.exceptions import QiskitBackendNotFoundError

from ..account import Credentials, IBMQFactory, credentials_from_env
from ..exceptions import (
    ApiError,
    IBMQAccountError,
    IBMQError,
    IBMQJobFailureError,
    IBMQJobInvalidStateError,
    IBMQJobTimeoutError,
)
from ..job import IBMQJob
from ..managed import IBMQJobManager, IBMQJobManagerTimeoutError
from ..provider import AccountProvider
from .exits import (
    EXIT_INTERRUPTED,
    EXIT_JOB_FAILED,
    EXIT_NO_SUCH_JOB,
    EXIT_OK,
    EXIT_SERVER,
    EXIT_USAGE,
    exit_codes_text,
)
from .progress import (
    JobSetProgress,
    ProgressDisplay,
    describe_status,
    job_summary,
    print_counts,
    print_jobs,
    result_summary,
)

__all__ = ["configure"]

DEFAULT_BACKEND = "ibmq_qasm_simulator"
# The embedded server dwells a little in each step, so that the progress shows every status.
EMBEDDED_STEP_DELAY = 0.2


class UsageError(Exception):
    """Bad input from the command line user: exit code 2."""


def configure(subparsers: Any) -> None:
    """Add the job commands to the ``ibmqjob`` command line.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    run = subparsers.add_parser(
        "run",
        help="run an OpenQASM 2 circuit and print its counts",
        description="Run an OpenQASM 2 circuit on a backend, show the job's progress and print "
        "the counts. Without a server (--url/--token or IBMQJOB_URL/IBMQJOB_TOKEN), the "
        "embedded reference server is started for the duration of the command.",
        epilog=exit_codes_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("circuit", nargs="*", help="OpenQASM 2 files (default: a Bell circuit)")
    run.add_argument(
        "--repeat",
        type=_positive_int,
        default=1,
        help="run each circuit this many times (%(default)s); several circuits run as a job set",
    )
    run.add_argument(
        "--max-experiments-per-job",
        type=_positive_int,
        help="most circuits per job of a job set (default: the backend's max_experiments)",
    )
    run.add_argument("--backend", default=DEFAULT_BACKEND, help="backend name (%(default)s)")
    run.add_argument("--shots", type=_positive_int, default=1024, help="shots (%(default)s)")
    run.add_argument("--seed", type=_seed, help="simulator and transpiler seed")
    run.add_argument("--name", help="job name (of a job set: the set's name)")
    run.add_argument("--tag", action="append", default=[], help="job tag (repeatable)")
    _add_wait_and_server_options(run)
    run.set_defaults(func=_command(_run, prepare=_load_circuit))

    for name, help_text, handler in (
        ("status", "show the status of a job", _status),
        ("result", "wait for a job and print its counts", _result),
        ("cancel", "cancel a job", _cancel),
    ):
        parser = subparsers.add_parser(
            name,
            help=help_text,
            description=help_text.capitalize(),
            epilog=exit_codes_text(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument("job_id", metavar="JOB_ID")
        if name != "cancel":
            _add_json_option(parser)
        if name == "result":
            _add_wait_and_server_options(parser)
        else:
            _add_server_options(parser)
        parser.set_defaults(func=_command(handler))

    jobs = subparsers.add_parser(
        "jobs",
        help="list jobs",
        description="List jobs, newest first",
        epilog=exit_codes_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    jobs.add_argument("--limit", type=_positive_int, default=10, help="most jobs (%(default)s)")
    jobs.add_argument("--status", help="only jobs in this status (e.g. DONE, QUEUED)")
    jobs.add_argument("--name", help="only jobs whose name matches this regular expression")
    jobs.add_argument("--tag", action="append", default=[], help="only jobs with this tag")
    jobs.add_argument("--backend", help="only jobs of this backend")
    _add_json_option(jobs)
    _add_server_options(jobs)
    jobs.set_defaults(func=_command(_jobs, prepare=_check_name_pattern))


def _add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document (stable keys), no progress"
    )


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("server")
    group.add_argument("--url", help="authentication URL of the server (env IBMQJOB_URL)")
    group.add_argument("--token", help="API token (env IBMQJOB_TOKEN)")
    group.add_argument("--hub", help="hub of the provider (default: the account's default)")
    group.add_argument("--group", help="group of the provider")
    group.add_argument("--project", help="project of the provider")


def _add_wait_and_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout", type=_positive_float, help="seconds to wait for the job (forever)"
    )
    _add_server_options(parser)


# argparse prefixes these messages with "argument --option: ".
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a non-negative integer")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _command(
    handler: Callable[[argparse.Namespace, AccountProvider], int],
    prepare: Callable[[argparse.Namespace], None] | None = None,
) -> Callable[..., int]:
    """Wrap a handler: check the input, connect, run it, turn errors into exit codes."""

    def run_command(args: argparse.Namespace) -> int:
        try:
            if prepare is not None:  # before connecting: bad input never starts a server
                prepare(args)
            with _provider(args) as provider:
                return handler(args, provider)
        except UsageError as err:
            _error(args, str(err))
            return EXIT_USAGE
        except IBMQError as err:
            message = getattr(err, "message", None) or str(err)
            cause = _api_cause(err)
            if cause is not None and cause.status_code == 404 and hasattr(args, "job_id"):
                _error(args, f"no such job: {args.job_id} ({message})")
                return EXIT_NO_SUCH_JOB
            _error(args, message)
            # Value errors are about what the user asked (a bad status name, tags...), and so
            # is a listing filter the server refuses (400).
            if isinstance(err, ValueError) or (
                args.command == "jobs" and cause is not None and cause.status_code == 400
            ):
                return EXIT_USAGE
            return EXIT_SERVER
        except KeyboardInterrupt:
            _error(args, "interrupted (a submitted job keeps running on the server)")
            return EXIT_INTERRUPTED

    return run_command


def _error(args: argparse.Namespace, message: str) -> None:
    print(f"ibmqjob {args.command}: error: {message}", file=sys.stderr)


def _api_cause(err: BaseException) -> ApiError | None:
    """Return the API layer's error behind an SDK error, if any (it has the HTTP status)."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ApiError):
            return seen
        seen = seen.__cause__
    return None


@contextlib.contextmanager
def _provider(args: argparse.Namespace) -> Iterator[AccountProvider]:
    """Yield the provider of the server given on the command line (or the embedded one)."""
    credentials = _credentials(args)
    with contextlib.ExitStack() as stack:
        if credentials is None:
            credentials = stack.enter_context(_embedded_server())
        factory = IBMQFactory()
        provider = factory.enable_account(
            credentials.token,
            credentials.url,
            args.hub or credentials.hub,
            args.group or credentials.group,
            args.project or credentials.project,
        )
        stack.callback(factory.disable_account)
        yield provider


def _credentials(args: argparse.Namespace) -> Credentials | None:
    if args.url or args.token:
        if not (args.url and args.token):
            raise UsageError("--url and --token go together")
        return Credentials(args.token, args.url)
    from_env = credentials_from_env()
    if from_env is None and args.command != "run":
        raise UsageError("no server: pass --url and --token, or set IBMQJOB_URL and IBMQJOB_TOKEN")
    return from_env


@contextlib.contextmanager
def _embedded_server() -> Iterator[Credentials]:
    try:
        from refserver.runner import ServerThread
    except ImportError as err:
        missing = err.name or "a dependency"
        raise IBMQAccountError(
            "no server was given and the embedded reference server cannot start: the "
            f"'server' extra is not installed ({missing} is missing). Install it with "
            "pip install 'ibmqjob[server]', or pass --url and --token."
        ) from err
    with ServerThread(step_delay=EMBEDDED_STEP_DELAY) as server:
        print(
            f"No server given: started the embedded reference server at {server.auth_url} "
            "(temporary data, stopped when the command ends).",
            file=sys.stderr,
        )
        assert server.demo_token is not None, "the bundled users include the demo user"
        yield Credentials(server.demo_token, server.auth_url)


# ---------------------------------------------------------------------- commands


def _backend(provider: AccountProvider, name: str) -> Any:
    """Return the provider's backend of this name; a usage error lists the names if none."""
    try:
        return provider.get_backend(name)
    except QiskitBackendNotFoundError as err:
        names = ", ".join(backend.name() for backend in provider.backends())
        raise UsageError(f"no backend named {name!r}; available: {names}") from err


def _run(args: argparse.Namespace, provider: AccountProvider) -> int:
    circuits: list[QuantumCircuit] = args.loaded_circuits
    backend = _backend(provider, args.backend)
    compiled = [_transpiled(circuit, backend, args.seed) for circuit in circuits]
    if len(compiled) * args.repeat > 1:
        return _run_many(args, backend, compiled)
    job = backend.run(
        compiled,
        job_name=args.name,
        job_tags=args.tag or None,
        shots=args.shots,
        seed_simulator=args.seed,
    )
    print(f"Submitted job {job.job_id()} to {backend.name()}.")
    return _wait_and_print(job, args.timeout, sys.stdout)


def _transpiled(circuit: QuantumCircuit, backend: Any, seed: int | None) -> QuantumCircuit:
    try:
        compiled: QuantumCircuit = transpile(circuit, backend=backend, seed_transpiler=seed)
    except QiskitError as err:
        detail = getattr(err, "message", None) or str(err)
        raise UsageError(
            f"the circuit {circuit.name} cannot run on {backend.name()}: {detail}"
        ) from err
    return compiled


def _run_many(args: argparse.Namespace, backend: Any, compiled: list[QuantumCircuit]) -> int:
    """Run every circuit ``--repeat`` times as one job set; show jobs done out of the total."""
    experiments = []
    for copy_index in range(args.repeat):
        for circuit in compiled:
            experiment = circuit.copy()
            if args.repeat > 1:
                experiment.name = f"{circuit.name}-{copy_index}"
            experiments.append(experiment)
    job_set = IBMQJobManager().run(
        experiments,
        backend,
        name=args.name,
        max_experiments_per_job=args.max_experiments_per_job,
        job_tags=args.tag or None,
        shots=args.shots,
        seed_simulator=args.seed,
    )
    total = len(job_set.managed_jobs())
    print(
        f"Submitting job set {job_set.job_set_id()}: {len(experiments)} circuits in {total} "
        f"jobs to {backend.name()}."
    )
    progress = JobSetProgress(sys.stdout)
    try:
        results = job_set.results(timeout=args.timeout, partial=True, callback=progress.update)
    except IBMQJobManagerTimeoutError:
        print(
            f"Job set {job_set.job_set_id()} did not finish within {args.timeout} s.",
            file=sys.stderr,
        )
        return EXIT_JOB_FAILED
    for index, experiment in enumerate(experiments):
        try:
            counts = results.get_counts(index)
        except QiskitError as err:  # a failed experiment, or a job without a result
            detail = getattr(err, "message", None) or str(err)
            print(f"Counts of {experiment.name}: not available ({detail})")
            continue
        print(f"Counts of {experiment.name}:")
        for outcome in sorted(counts):
            print(f"  {outcome}: {counts[outcome]}")
    if results.success:
        return EXIT_OK
    print(job_set.error_messages() or "Some jobs of the set failed.", file=sys.stderr)
    return EXIT_JOB_FAILED


def _status(args: argparse.Namespace, provider: AccountProvider) -> int:
    job = provider.retrieve_job(args.job_id)
    if args.json:
        _print_json(job_summary(job))
    else:
        print(f"Job {job.job_id()}: {describe_status(job.status(), job.queue_position())}")
    return EXIT_OK


def _result(args: argparse.Namespace, provider: AccountProvider) -> int:
    job = provider.retrieve_job(args.job_id)
    if args.json:
        return _wait_and_print_json(job, args.timeout)
    return _wait_and_print(job, args.timeout, sys.stdout)


def _cancel(args: argparse.Namespace, provider: AccountProvider) -> int:
    job = provider.retrieve_job(args.job_id)
    if job.in_final_state():
        print(f"Job {job.job_id()} is already {job.status().name}: nothing to cancel.")
        return EXIT_JOB_FAILED
    if job.cancel():
        print(f"Job {job.job_id()} cancelled.")
        return EXIT_OK
    print(f"Job {job.job_id()} was not cancelled (status: {job.status().name}).")
    return EXIT_JOB_FAILED


def _jobs(args: argparse.Namespace, provider: AccountProvider) -> int:
    if args.backend is not None:
        _backend(provider, args.backend)  # a misspelt name lists no jobs: say so instead
    jobs = provider.jobs(
        limit=args.limit,
        backend_name=args.backend,
        status=args.status,
        job_name=args.name,
        job_tags=args.tag or None,
    )
    if args.json:
        _print_json([job_summary(job) for job in jobs])
    else:
        print_jobs(jobs, sys.stdout)
    return EXIT_OK


def _check_name_pattern(args: argparse.Namespace) -> None:
    if args.name is None:
        return
    try:
        re.compile(args.name)
    except re.error as err:
        raise UsageError(f"--name: {args.name!r} is not a valid regular expression: {err}") from err


def _print_json(document: object) -> None:
    json.dump(document, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def _load_circuit(args: argparse.Namespace) -> None:
    paths: list[str | None] = list(args.circuit) or [None]
    args.loaded_circuits = [_read_qasm(path) for path in paths]


def _read_qasm(path: str | None) -> QuantumCircuit:
    if path is None:
        source = resources.files("ibmqjob").joinpath("examples", "bell.qasm")
        bell = QuantumCircuit.from_qasm_str(source.read_text(encoding="utf-8"))
        bell.name = "bell"
        return bell
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such circuit file: {path}")
    try:
        circuit = QuantumCircuit.from_qasm_file(str(file))
    except (QiskitError, UnicodeDecodeError) as err:
        detail = getattr(err, "message", None) or str(err)
        raise UsageError(f"{path} is not a valid OpenQASM 2 program: {detail}") from err
    if not any(item.operation.name == "measure" for item in circuit.data):
        raise UsageError(
            f"{path} measures nothing: there would be no counts to print (add e.g."
            " 'creg c[N];' and 'measure q -> c;')"
        )
    circuit.name = file.stem
    return circuit


def _wait_and_print(job: IBMQJob, timeout: float | None, out: TextIO) -> int:
    display = ProgressDisplay(out)
    try:
        job.wait_for_final_state(timeout=timeout, wait=display.interval, callback=display.update)
    except IBMQJobTimeoutError:
        display.finish(job.job_id(), job.status())
        print(f"Job {job.job_id()} did not finish within {timeout} s.", file=sys.stderr)
        return EXIT_JOB_FAILED
    status = job.status()
    display.finish(job.job_id(), status)
    if status is not JobStatus.DONE:
        reason = job.error_message() if status is JobStatus.ERROR else None
        print(f"Job {job.job_id()} {status.name}: {reason or status.value}", file=sys.stderr)
        return EXIT_JOB_FAILED
    try:
        result = job.result()
    except (IBMQJobFailureError, IBMQJobInvalidStateError) as err:
        print(err.message, file=sys.stderr)
        return EXIT_JOB_FAILED
    print_counts(result, out)
    return EXIT_OK


def _wait_and_print_json(job: IBMQJob, timeout: float | None) -> int:
    """Wait without showing progress, then print the job and its counts as one document."""
    try:
        job.wait_for_final_state(timeout=timeout)
    except IBMQJobTimeoutError:
        _print_json(result_summary(job, None, f"did not finish within {timeout} s"))
        return EXIT_JOB_FAILED
    status = job.status()
    if status is not JobStatus.DONE:
        reason = job.error_message() if status is JobStatus.ERROR else None
        _print_json(result_summary(job, None, reason or status.value))
        return EXIT_JOB_FAILED
    try:
        result = job.result()
    except (IBMQJobFailureError, IBMQJobInvalidStateError) as err:
        _print_json(result_summary(job, None, err.message))
        return EXIT_JOB_FAILED
    _print_json(result_summary(job, result, None))
    return EXIT_OK
