"""Job operations behind the HTTP routes: access checks, life cycle calls, documents."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from itertools import islice
from typing import Any

from refserver import errors, statuses
from refserver.bodies import JobCreation
from refserver.calibrations import CalibrationBook
from refserver.config import ServerConfig, default_job_limit
from refserver.devices import Device, DeviceCatalog
from refserver.documents import job_document, status_document
from refserver.errors import ApiError
from refserver.filters import (
    ListingFilter,
    matches,
    parse_filter,
    project,
    select,
    sql_filter,
)
from refserver.lifecycle import Transitions
from refserver.objects import ObjectStore
from refserver.scheduler import Scheduler
from refserver.signing import DOWNLOAD, UPLOAD, UrlSigner
from refserver.store import JobRecord, Store
from refserver.timeutil import CreationClock, format_instant, parse_instant, to_millis
from refserver.users import Membership, User
from refserver.validation import check_upload

_ID_FIELDS = {"id": True, "creationDate": True, "liveDataEnabled": True}


# Listing items of final jobs kept in memory: about 5 KB each with their record's text, so
# about 50 MB when full; a listing of up to this many finished jobs is then built from memory.
LISTED_DOCUMENTS = 10240


class JobService:
    """What the job endpoints do, independent of HTTP.

    Every method taking a user and a membership acts on behalf of that user in
    that project: a job of anyone else, or of another project, is "not found".
    """

    def __init__(
        self,
        store: Store,
        objects: ObjectStore,
        transitions: Transitions,
        scheduler: Scheduler,
        devices: DeviceCatalog,
        calibrations: CalibrationBook,
        signer: UrlSigner,
        config: ServerConfig,
    ) -> None:
        self._store = store
        self._objects = objects
        self._transitions = transitions
        self._scheduler = scheduler
        self._devices = devices
        self._calibrations = calibrations
        self._signer = signer
        self._config = config
        self._faults = config.faults
        # Creation dates keep increasing across restarts of the server.
        last = parse_instant(store.last_creation_date() or "")
        self._clock = CreationClock(to_millis(last) if last else 0)
        # Listing items of final jobs, by stored record (see _listing_document).
        self._listed: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._listed_lock = threading.Lock()

    # -- lookups ----------------------------------------------------------------------------

    def device_for(self, member: Membership, name: str) -> Device:
        """The backend ``name`` if the project may use it.

        Raises:
            ApiError: 404 for an unknown backend or one the project may not use.
        """
        device = self._devices.get(name)
        if device is None or not member.allows_backend(name):
            raise errors.not_found(f"Backend not found: {name}", errors.BACKEND_NOT_FOUND)
        return device

    def find(self, user: User, member: Membership, job_id: str) -> JobRecord:
        """The caller's job.

        Raises:
            ApiError: 404 (code 3250) when it does not exist for the caller.
        """
        record = self._store.get_job(job_id)
        if record is None or record.deleted:
            raise errors.job_not_found(job_id)
        if "cross_user_access" not in self._faults and (
            record.user_id != user.id
            or (record.hub, record.group, record.project)
            != (member.hub, member.group, member.project)
        ):
            raise errors.job_not_found(job_id)
        return record

    def job_limit(self, member: Membership, device: Device) -> int | None:
        """Maximum number of active jobs of the project on ``device``; None for no limit.

        The project's own limit (users file), else the server's ``--job-limit``, else
        the default of the backend's kind (simulator or device).
        """
        limit = member.job_limit
        if limit is None:
            limit = self._config.job_limit
        if limit is None:
            limit = default_job_limit(device.is_simulator)
        return None if limit < 0 else limit

    # -- documents --------------------------------------------------------------------------

    def info_queue(self, record: JobRecord) -> dict[str, Any] | None:
        """The queue information of a job (None unless it is QUEUED)."""
        if record.status == statuses.QUEUED:
            return self._scheduler.queue_info(record)
        if "info_queue_outside_queued" in self._faults and record.status in (
            statuses.VALIDATED,
            statuses.RUNNING,
        ):
            return {
                "status": statuses.PENDING_IN_QUEUE,
                "position": 0,
                "hubPriority": 1.0,
                "groupPriority": 1.0,
                "projectPriority": 1.0,
            }
        return None

    def document(self, record: JobRecord, *, full: bool = True) -> dict[str, Any]:
        """The job document of a record."""
        return job_document(record, self.info_queue(record), full=full, faults=self._faults)

    # -- life cycle -------------------------------------------------------------------------

    def create(
        self,
        user: User,
        member: Membership,
        creation: JobCreation,
        client_app: str | None,
        api_base: str,
    ) -> dict[str, Any]:
        """Create a job in ``CREATING`` and return it with its signed upload URL.

        Raises:
            ApiError: 404 for an unknown backend, 400 (code 3458) at the job limit.
        """
        device = self.device_for(member, creation.backend)
        created = format_instant(self._clock.next_instant())
        record = JobRecord(
            id=secrets.token_hex(12),
            user_id=user.id,
            hub=member.hub,
            group=member.group,
            project=member.project,
            backend=device.name,
            status=statuses.CREATING,
            creation_date=created,
            name=creation.name,
            tags=creation.tags,
            experiment_tag=creation.experiment_tag,
            live_data_enabled=creation.live_data_enabled,
            allow_object_storage=creation.allow_object_storage,
            client_info=_client_info(client_app),
            time_per_step={statuses.CREATING: created},
        )
        limit = self.job_limit(member, device)
        if not self._store.insert_job(record, limit):
            raise ApiError(
                400, errors.JOB_LIMIT, f"Reached maximum number ({limit}) of concurrent jobs"
            )
        document = self.document(record)
        document["objectStorageInfo"] = {
            "uploadUrl": self._signer.url(api_base, UPLOAD, record.id, "qobj"),
        }
        return document

    def upload_qobj(self, job_id: str, data: bytes) -> None:
        """Store the Qobj sent to a signed upload URL (already verified).

        Raises:
            ApiError: 404 for an unknown job, 409 after ``jobDataUploaded`` or
                cancellation, 400 for a body that is not a Qobj.
        """
        record = self._store.get_job(job_id)
        if record is None or record.deleted:
            raise errors.job_not_found(job_id)
        self._require_creating(record)
        try:
            check_upload(data)
        except ValueError as err:
            raise errors.bad_request(f"Invalid Qobj: {err}", errors.QOBJ_NOT_VALID) from None

        def uploaded(job: JobRecord) -> bool:
            if job.status != statuses.CREATING or job.data_uploaded:
                return False
            job.qobj_uploaded = True
            return True

        if self._objects.inline(job_id, "qobj", data):
            # The Qobj and the flag saying it is there: one transaction.
            saved = self._transitions.update(job_id, uploaded, {"qobj": data})
            if saved is not None:
                self._objects.stored_inline(job_id, "qobj")
        else:
            self._objects.put(job_id, "qobj", data)
            saved = self._transitions.update(job_id, uploaded)
        if saved is None:
            self._require_creating(self._store.get_job(job_id) or record)

    def data_uploaded(self, user: User, member: Membership, job_id: str) -> dict[str, Any]:
        """Submit an uploaded job for validation; repeated calls return the job again.

        Raises:
            ApiError: 409 when the Qobj was not uploaded or the job was cancelled.
        """
        record = self.find(user, member, job_id)
        if record.data_uploaded:
            return {"job": self.document(record)}
        self._require_creating(record)
        if not record.qobj_uploaded:
            raise errors.conflict(
                "Job not uploaded to object storage: "
                "PUT the Qobj to objectStorageInfo.uploadUrl first",
                errors.JOB_NOT_UPLOADED,
            )

        def submitted(job: JobRecord) -> None:
            job.data_uploaded = True

        # CREATED and VALIDATING in one write: nothing happens in between. (A job stored
        # in CREATED with its data uploaded, by an older server, is resumed on start.)
        validating = self._transitions.advance(
            job_id, {statuses.CREATING}, statuses.VALIDATING, submitted, via=[statuses.CREATED]
        )
        if validating is None:
            return {"job": self.document(self.find(user, member, job_id))}
        self._scheduler.validate_later(job_id)
        return {"job": self.document(validating)}

    def cancel(self, user: User, member: Membership, job_id: str) -> dict[str, Any]:
        """Cancel a job in any non-final status; cancelling a cancelled job answers the same.

        Raises:
            ApiError: 409 (code 3208) when the job is in another final status.
        """
        record = self.find(user, member, job_id)
        cancelled = self._transitions.cancel(job_id)
        if cancelled is None:
            current = self._store.get_job(job_id) or record
            if current.status == statuses.CANCELLED:
                # Idempotent, so a client may retry after a lost answer.
                return {"cancelled": True}
            raise errors.conflict(
                f"Job not cancelled: job {job_id} is already in final status {current.status}",
                errors.JOB_NOT_CANCELLED,
            )
        self._scheduler.forget(cancelled)
        return {"cancelled": True}

    def update(
        self, user: User, member: Membership, job_id: str, key: str, value: Any
    ) -> dict[str, Any]:
        """Replace the name or the tags of a job and return the job."""
        self.find(user, member, job_id)

        def change(job: JobRecord) -> bool:
            if key == "name":
                job.name = value
            elif "tags_not_echoed" not in self._faults:
                job.tags = list(value)
            return True

        record = self._transitions.update(job_id, change)
        return self.document(record or self.find(user, member, job_id))

    def delete(self, user: User, member: Membership, job_id: str) -> dict[str, Any]:
        """Cancel the job if needed and hide it from every endpoint."""
        self.find(user, member, job_id)
        cancelled = self._transitions.cancel(job_id)

        def hide(job: JobRecord) -> bool:
            job.deleted = True
            return True

        record = self._transitions.update(job_id, hide)
        if record is not None:
            self._scheduler.forget(record)
        elif cancelled is not None:
            self._scheduler.forget(cancelled)
        return {"deleted": True}

    def result_downloaded(self, user: User, member: Membership, job_id: str) -> dict[str, Any]:
        """Record that the result was downloaded."""
        record = self.find(user, member, job_id)
        self._require_result(record)

        def mark(job: JobRecord) -> bool:
            job.result_downloaded = True
            return True

        self._transitions.update(job_id, mark)
        return {"acknowledged": True}

    # -- reads ------------------------------------------------------------------------------

    def status(self, user: User, member: Membership, job_id: str) -> dict[str, Any]:
        """The status document of a job."""
        record = self.find(user, member, job_id)
        return status_document(record, self.info_queue(record), self._faults)

    def listing(
        self, user: User, member: Membership, filter_text: str | None, *, ids: bool
    ) -> list[dict[str, Any]]:
        """Jobs of the caller in the project, filtered (J7), or projected on ids (J8).

        The filter's conditions that SQLite can evaluate, its order, and (when those
        conditions are the whole filter) its skip and limit run in SQL on the listing
        index; only the rows SQL selects become documents, checked against the rest of
        the filter, until the page is full. Faults that change documents make it scan
        every job instead (:meth:`listing_scan`), as the server always did.
        """
        listing = parse_filter(filter_text)
        if self._faults:
            documents = self._scan(user, member, listing)
        else:
            documents = self._query(user, member, listing)
        return self._project(documents, listing, ids=ids)

    def listing_scan(
        self, user: User, member: Membership, filter_text: str | None, *, ids: bool
    ) -> list[dict[str, Any]]:
        """:meth:`listing` by reading, filtering and sorting every job of the project."""
        listing = parse_filter(filter_text)
        return self._project(self._scan(user, member, listing), listing, ids=ids)

    def _scan(self, user: User, member: Membership, listing: ListingFilter) -> list[dict[str, Any]]:
        records = self._store.project_jobs(user.id, member.hub, member.group, member.project)
        return select([self.document(r, full=False) for r in records], listing)

    def _query(
        self, user: User, member: Membership, listing: ListingFilter
    ) -> list[dict[str, Any]]:
        sql = sql_filter(listing.where)
        scope = (user.id, member.hub, member.group, member.project)
        wanted = listing.limit
        if sql.exact:
            texts = self._store.iter_project_job_texts(
                *scope,
                sql.clauses,
                sql.params,
                descending=listing.descending,
                offset=listing.skip,
                batch=min(wanted or 64, 1024),
            )
            documents = [self._listing_document(text) for text in islice(texts, wanted)]
            if all(matches(doc, listing.where) for doc in documents):
                return documents
            # SQL and the filter disagree on some value (never seen): the Python way.
            return self._scan(user, member, listing)
        chosen: list[dict[str, Any]] = []
        skipped = 0
        texts = self._store.iter_project_job_texts(
            *scope, sql.clauses, sql.params, descending=listing.descending
        )
        for text in texts:
            document = self._listing_document(text)
            if not matches(document, listing.where):
                continue
            if skipped < listing.skip:
                skipped += 1
                continue
            chosen.append(document)
            if wanted is not None and len(chosen) >= wanted:
                break
        return chosen

    def _listing_document(self, text: str) -> dict[str, Any]:
        """The listing item of the job stored as ``text`` (shared: never modify it).

        A final job's item depends on its stored record only (no queue information, and
        faults, which could change it, are fixed for the server's life and list by another
        path), so items of final jobs are kept by record: listing a thousand finished jobs
        again decodes and builds none of them. A changed record (new tags, a name) is another
        key; the least recently listed items go first.
        """
        with self._listed_lock:
            document = self._listed.get(text)
            if document is not None:
                self._listed.move_to_end(text)
                return document
        record = JobRecord.from_json(text)
        document = self.document(record, full=False)
        if record.is_final:
            with self._listed_lock:
                self._listed[text] = document
                if len(self._listed) > LISTED_DOCUMENTS:
                    self._listed.popitem(last=False)
        return document

    def _project(
        self, documents: list[dict[str, Any]], listing: ListingFilter, *, ids: bool
    ) -> list[dict[str, Any]]:
        if ids:
            return [project(doc, listing.fields or _ID_FIELDS, {"id"}) for doc in documents]
        return [project(doc, listing.fields, {"id", "creationDate", "status"}) for doc in documents]

    def properties(self, user: User, member: Membership, job_id: str) -> dict[str, Any]:
        """The calibration in force when the job ran, or ``{}`` without one (simulators).

        A job that has not run yet gets the backend's current calibration, as the original
        server answered.
        """
        record = self.find(user, member, job_id)
        if record.calibration_id is not None:
            return self._calibrations.get(record.calibration_id) or {}
        device = self._devices.get(record.backend)
        current = None if device is None else self._calibrations.current(device)
        return current[1] if current else {}

    def download_url(
        self, user: User, member: Membership, job_id: str, name: str, api_base: str
    ) -> dict[str, str]:
        """A signed URL to download the job's ``qobj`` or ``result``.

        Raises:
            ApiError: 409 when the object does not exist (yet).
        """
        record = self.find(user, member, job_id)
        if name == "result":
            self._require_result(record)
        elif not record.qobj_uploaded:
            raise errors.conflict(
                f"Job not uploaded to object storage: job {job_id} has no Qobj",
                errors.JOB_NOT_UPLOADED,
            )
        return {"url": self._signer.url(api_base, DOWNLOAD, job_id, name)}

    def final_frame_extension(self, record: JobRecord, api_base: str) -> dict[str, Any]:
        """What the optional extension adds to the final ``job-status`` frame of a job.

        ``job``: the job document (as ``GET /Jobs/{id}/v/1``); ``resultUrl``: a signed URL
        of the result (as ``GET /Jobs/{id}/resultDownloadUrl``), when one is stored.
        """
        extension: dict[str, Any] = {"job": self.document(record)}
        if record.result_stored:
            extension["resultUrl"] = self._signer.url(api_base, DOWNLOAD, record.id, "result")
        return extension

    def object_size(self, job_id: str, name: str) -> int | None:
        """The size in bytes of a stored object of a job, None if there is none."""
        return self._objects.size(job_id, name)

    def download(self, job_id: str, name: str) -> bytes:
        """The stored object of a signed download URL (already verified).

        Raises:
            ApiError: 404 when the job or the object does not exist.
        """
        record = self._store.get_job(job_id)
        missing = errors.not_found(f"No {name} stored for job {job_id}", errors.JOB_NOT_FOUND)
        # A result file of a run that was cancelled before it ended is not the job's result.
        if record is None or record.deleted or (name == "result" and not record.result_stored):
            raise missing
        data = self._objects.get(job_id, name)
        if data is None:
            raise missing
        return data

    # -- checks -----------------------------------------------------------------------------

    def _require_creating(self, record: JobRecord) -> None:
        if record.status != statuses.CREATING or record.data_uploaded:
            raise errors.conflict(
                f"Job {record.id} is {record.status}: its Qobj can only be uploaded"
                " and submitted while it is CREATING"
            )

    def _require_result(self, record: JobRecord) -> None:
        if not record.result_stored:
            raise errors.conflict(
                f"The result of job {record.id} is not available (status {record.status})",
                errors.RESULT_NOT_AVAILABLE,
            )


def _client_info(header: str | None) -> dict[str, str] | None:
    if not header:
        return None
    name, _, version = header[:256].partition("/")
    return {"name": name or "unknown", "version": version or "unknown"}
