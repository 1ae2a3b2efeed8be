"""Settings of a reference server."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_PORT = 8390
# Active jobs per project and backend when neither --job-limit nor users.yaml sets one:
# a loop submitting a few dozen simulator jobs fits; real devices were scarcer.
SIMULATOR_JOB_LIMIT = 100
DEVICE_JOB_LIMIT = 20
DEFAULT_JOB_LIMIT: int | None = None  # the per-kind limits above
DEFAULT_STEP_DELAY = 0.2
DEFAULT_RUN_DELAY = 0.5
DEFAULT_TOKEN_TTL = 1_209_600  # two weeks, as LoopBack access tokens
DEFAULT_URL_TTL = 3600


@dataclass(frozen=True)
class ServerConfig:
    """Settings of a reference server.

    Attributes:
        data_dir: directory of the database and stored objects.
        users_file: users YAML file; None for the bundled ``users.yaml``.
        step_delay: seconds spent in each of VALIDATING, VALIDATED and QUEUED (at least).
        run_delay: seconds a job stays RUNNING (at least), on top of the simulation.
        job_limit: concurrent (non-final) jobs per project and backend; -1 for no limit;
            None for :data:`SIMULATOR_JOB_LIMIT` on the simulator and
            :data:`DEVICE_JOB_LIMIT` on devices. A project's ``job_limit`` in the users
            file wins over this.
        token_ttl: lifetime of access tokens in seconds.
        url_ttl: lifetime of signed object-storage URLs in seconds.
        queue_update_interval: seconds between websocket frames of a QUEUED job.
        experiment_memory_mb: simulator memory budget of one experiment, in MiB.
        calibration_interval: seconds after which a device is recalibrated; 0 for never.
        max_body_bytes: largest JSON request body accepted.
        max_upload_bytes: largest Qobj upload accepted.
        faults: names of deliberate contract deviations (see :mod:`refserver.faults`).
        reservations_file: YAML file of backend reservations (:mod:`refserver.reservations`);
            None for none.
        header_timeout: seconds a client has to send a request's line and headers, from the
            connection (or its first byte after a finished request); then it is closed.
        body_timeout: seconds a client has to send a request's whole body (else 408).
        login_burst: logins with one API token allowed at once (then ``login_rate``).
        login_rate: logins per second with one API token, sustained (else 429).
        public_url: the server's root URL as clients reach it (``https://host[:port][/prefix]``);
            the API is under ``<public_url>/api`` and the websocket under ``<public_url>/ws``
            (``ws``/``wss``). Every URL the server hands out is built from it, never from a
            request's ``Host`` header. None: the listening address.
        final_frame_extension: the final ``job-status`` websocket frame of a job also carries
            the result's signed URL and the job's final fields (an optional extension of the
            protocol, ``spec/asyncapi.yaml``; clients that do not know it ignore it).
    """

    data_dir: Path
    users_file: Path | None = None
    step_delay: float = 0.0
    run_delay: float = 0.0
    job_limit: int | None = DEFAULT_JOB_LIMIT
    token_ttl: int = DEFAULT_TOKEN_TTL
    url_ttl: int = DEFAULT_URL_TTL
    queue_update_interval: float = 2.0
    experiment_memory_mb: int = 256
    calibration_interval: float = 0.0
    max_body_bytes: int = 1 << 20
    max_upload_bytes: int = 64 << 20
    faults: frozenset[str] = field(default_factory=frozenset)
    reservations_file: Path | None = None
    header_timeout: float = 10.0
    body_timeout: float = 60.0
    login_burst: int = 100
    login_rate: float = 1.0
    public_url: str | None = None
    final_frame_extension: bool = False

    def __post_init__(self) -> None:
        if self.public_url is not None:
            object.__setattr__(self, "public_url", normalize_public_url(self.public_url))
        for name in ("step_delay", "run_delay", "calibration_interval"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.job_limit is not None and self.job_limit < -1:
            raise ValueError("job_limit must be -1 (no limit) or >= 0")
        for name in (
            "token_ttl",
            "url_ttl",
            "experiment_memory_mb",
            "max_body_bytes",
            "max_upload_bytes",
            "header_timeout",
            "body_timeout",
            "login_burst",
            "login_rate",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        if self.queue_update_interval <= 0:
            raise ValueError("queue_update_interval must be > 0")


def normalize_public_url(url: str) -> str:
    """Check a public root URL and drop its trailing slash (and a trailing ``/api``).

    Raises:
        ValueError: not an absolute http(s) URL without query, fragment or credentials.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise ValueError(f"public_url {url!r} is not a valid URL ({err})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"public_url {url!r} must be an absolute http:// or https:// URL")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"public_url {url!r} must not hold a query, fragment or credentials")
    del port
    path = parts.path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def default_job_limit(simulator: bool) -> int:
    """The job limit of a backend kind when nothing configures one."""
    return SIMULATOR_JOB_LIMIT if simulator else DEVICE_JOB_LIMIT
