"""Everything a running server holds, wired together."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from refserver.auth import Authenticator, LoginThrottle
from refserver.calibrations import CalibrationBook
from refserver.config import ServerConfig
from refserver.devices import DeviceCatalog
from refserver.events import JobEvents
from refserver.jobs import JobService
from refserver.lifecycle import Transitions
from refserver.objects import ObjectStore, private_directory, private_file
from refserver.scheduler import Scheduler
from refserver.signing import UrlSigner
from refserver.simulation import Simulation
from refserver.store import JobRecord, Store
from refserver.users import Priority, UserDirectory


@dataclass
class ServerState:
    """The components of one server, sharing one data directory."""

    config: ServerConfig
    store: Store
    users: UserDirectory
    auth: Authenticator
    signer: UrlSigner
    devices: DeviceCatalog
    calibrations: CalibrationBook
    events: JobEvents
    scheduler: Scheduler
    jobs: JobService
    # Jobs whose status websocket was already refused once (fault ``ws_retry_once``).
    retried_sockets: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, config: ServerConfig) -> ServerState:
        """Open (or create) the data directory and build the components.

        Raises:
            ValueError: the users file is invalid.
        """
        users = UserDirectory.load(config.users_file)
        private_directory(config.data_dir)
        database = config.data_dir / "refserver.sqlite3"
        for path in (database, *config.data_dir.glob("refserver.sqlite3-*")):
            # SQLite gives the -wal and -shm files the database file's permissions.
            private_file(path)
        store = Store(database)
        objects = ObjectStore(config.data_dir / "objects", store)
        signer = UrlSigner(
            bytes.fromhex(store.meta_set_default("signing_key", secrets.token_hex(32))),
            config.url_ttl,
        )
        devices = DeviceCatalog()
        calibrations = CalibrationBook(store, config.calibration_interval)
        for device in devices.all():
            calibrations.seed(device)
        events = JobEvents()
        transitions = Transitions(store, events)

        def priority(record: JobRecord) -> Priority:
            user = users.get(record.user_id)
            member = user.membership(record.hub, record.group, record.project) if user else None
            return member.priority if member else Priority()

        scheduler = Scheduler(
            store,
            objects,
            transitions,
            devices,
            calibrations,
            Simulation(config.experiment_memory_mb),
            config,
            priority,
        )
        jobs = JobService(
            store, objects, transitions, scheduler, devices, calibrations, signer, config
        )
        auth = Authenticator(
            store, users, config.token_ttl, LoginThrottle(config.login_burst, config.login_rate)
        )
        return cls(
            config, store, users, auth, signer, devices, calibrations, events, scheduler, jobs
        )

    def start(self) -> None:
        """Start the background work (resuming jobs left in progress)."""
        self.scheduler.start()

    def stop(self) -> None:
        """Stop the background work and close the database."""
        self.scheduler.stop()
        self.store.close()
