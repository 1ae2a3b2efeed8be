"""Processes of a benchmark run: the servers and the client workloads.

Every process is started by the harness with an explicit interpreter: the server and our
client with the project's ``.venv``, the original client with ``.venv-legacy``. Each client
workload runs in a fresh process, so imports, caches and memory of one measurement never
leak into the next.
"""

from __future__ import annotations

import json
import os
import re
import resource
import select
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLIENT_SCRIPT = ROOT / "benchmarks" / "client.py"
PYTHONS = {
    "ours": ROOT / ".venv" / "bin" / "python",
    "original": ROOT / ".venv-legacy" / "bin" / "python",
}
CLIENTS = ("original", "ours")


class BenchmarkError(RuntimeError):
    """A benchmark process failed; the message holds what it printed."""


def clean_environment(
    extra_path: str | None = None, *, source_tree: bool = False
) -> dict[str, str]:
    """The environment of a child process: no proxy for loopback, no stray Python settings.

    Args:
        extra_path: A directory put first on ``PYTHONPATH`` (a scratch copy of the SDK).
        source_tree: Put this source tree (and its generated client) on ``PYTHONPATH``, so the
            SDK and the server measured are the ones of this checkout, whatever the
            virtualenv's editable install points to. Never for the original client.
    """
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONHASHSEED"] = "0"
    paths = [extra_path] if extra_path else []
    if source_tree:
        paths += [str(ROOT), str(ROOT / "generated")]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


_LISTENING = re.compile(r"listening on (http://\S+/api)")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class RefServer:
    """``python -m refserver`` of a checkout in a child process, on a temporary data directory.

    Jobs go through without step or run delays; ``options`` (more ``ibmqjob serve`` options,
    such as ``--job-limit -1``) come after, so they win. The server runs with this process's
    interpreter, from the checkout's root: ``python -m`` puts the working directory first on
    ``sys.path``, so the checkout the benchmark started from would otherwise shadow the one
    asked for.

    Args:
        path: The checkout to run the server from; ``None``: this one.
        options: More command-line options of the server.
    """

    def __init__(self, path: Path | None = None, *options: str) -> None:
        root = path or ROOT
        self._data_dir = tempfile.TemporaryDirectory(prefix="bench-refserver-")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(root), str(root / "generated")])
        command = [sys.executable, "-m", "refserver", "--port", "0"]
        command += ["--data-dir", self._data_dir.name, "--step-delay", "0", "--run-delay", "0"]
        command += ["--log-level", "warning", *options]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=root
        )
        try:
            self.url = self._wait_for_url(120)
        except BaseException:
            self.stop()
            raise

    def _wait_for_url(self, timeout: float) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while time.monotonic() < deadline and self.process.poll() is None:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                seen.append(line)
                match = _LISTENING.search(line)
                if match:
                    # The rest of the output is not read: keep it from filling the pipe.
                    threading.Thread(target=self._drain, daemon=True).start()
                    return match.group(1)
        raise BenchmarkError("the reference server did not start:\n" + "".join(seen))

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for _line in self.process.stdout:
            pass

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the server process so far (all its threads)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and remove its data."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._data_dir.cleanup()

    def __enter__(self) -> RefServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class BenchServer:
    """The instrumented reference server (``benchmarks/server.py``) in a child process.

    Args:
        step_delay: Seconds of each of VALIDATING, VALIDATED and QUEUED.
        run_delay: Seconds a job stays RUNNING on top of the simulation.
        final_frame_extension: The server's final ``job-status`` frame carries the result's
            signed URL and the job's final fields (the optional protocol extension).
    """

    def __init__(
        self, step_delay: float = 0.0, run_delay: float = 0.0, final_frame_extension: bool = False
    ) -> None:
        self._args = ["--step-delay", str(step_delay), "--run-delay", str(run_delay)]
        if final_frame_extension:
            self._args.append("--final-frame-extension")
        self._process: subprocess.Popen[str] | None = None
        # The server's data lives here and goes with the run, even if the server is killed.
        self._data_dir: tempfile.TemporaryDirectory[str] | None = None
        self.base_url = self.auth_url = self.token = ""

    def __enter__(self) -> BenchServer:
        self._data_dir = tempfile.TemporaryDirectory(prefix="ibmqjob-bench-")
        args = [*self._args, "--data-dir", self._data_dir.name]
        try:
            self._start(args)
        except BaseException:
            self._stop()
            raise
        return self

    def _start(self, args: list[str]) -> None:
        self._process = subprocess.Popen(
            [str(PYTHONS["ours"]), "-m", "benchmarks.server", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=clean_environment(source_tree=True),
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(10)
            raise BenchmarkError("the benchmark server did not start")
        info = json.loads(line)
        self.base_url, self.auth_url, self.token = info["base_url"], info["auth_url"], info["token"]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()  # the server stops when its standard input closes
            try:
                self._process.wait(20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
            self._process = None
        if self._data_dir is not None:
            self._data_dir.cleanup()
            self._data_dir = None

    def control(self, action: str, body: dict[str, Any] | None = None) -> Any:
        """Call a ``/_bench/`` control route and return its JSON answer."""
        request = urllib.request.Request(
            f"{self.base_url}/_bench/{action}",
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def run_client(
    client: str,
    workload: str,
    server: BenchServer,
    *,
    sdk_path: str | None = None,
    timeout: float = 600,
    **options: Any,
) -> dict[str, Any]:
    """Run one workload of ``benchmarks/client.py`` with one client; return its report.

    Args:
        client: ``ours`` or ``original``.
        workload: The workload name.
        server: The server to talk to.
        sdk_path: For ``ours``: a directory holding a scratch copy of ``ibmqjob`` to use
            instead of the installed one.
        timeout: Seconds before the process is killed.
        **options: Workload options (``jobs=50`` becomes ``--jobs 50``; ``True`` a flag).

    Raises:
        BenchmarkError: The process failed or printed no report.
    """
    command = [
        str(PYTHONS[client]),
        str(CLIENT_SCRIPT),
        workload,
        "--client",
        client,
        "--url",
        server.auth_url,
        "--token",
        server.token,
        "--base-url",
        server.base_url,
    ]
    for key, value in options.items():
        if value is None or value is False:
            continue
        command.append("--" + key.replace("_", "-"))
        if value is not True:
            command.append(str(value))
    env = clean_environment(sdk_path, source_tree=True) if client == "ours" else clean_environment()
    # The harness runs one client at a time and reaps nothing else meanwhile, so the growth
    # of its children's CPU time is exactly this client process's, exit handlers included.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired as err:
        raise BenchmarkError(f"{client} {workload} did not finish in {timeout} s") from err
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise BenchmarkError(
            f"{client} {workload} failed (exit {done.returncode}):\n{done.stderr[-4000:]}"
        )
    report: dict[str, Any] = json.loads(lines[-1])
    process_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report["process_cpu_s"] = process_cpu
    if "cpu_mark_s" in report:
        # The measured part, and what the process spent from its end to the exit.
        report["measured_cpu_s"] = report["cpu_end_s"] - report["cpu_mark_s"]
        report["exit_cpu_s"] = max(0.0, process_cpu - report["cpu_end_s"])
    if "cpu_mark_s" in report:
        report["counters"] = server.control("counters")
    return report


def python_of(client: str) -> Path:
    """The interpreter that runs ``client``."""
    return PYTHONS[client]


def missing_interpreters() -> list[str]:
    """Clients whose virtual environment is missing."""
    return [name for name, path in PYTHONS.items() if not path.exists()]


if __name__ == "__main__":  # pragma: no cover - a module, not a program
    sys.exit("run scripts/bench")
