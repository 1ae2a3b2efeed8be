"""The JSON documents of jobs, as the API sends them."""

from __future__ import annotations

from typing import Any

from refserver import statuses
from refserver.devices import backend_id
from refserver.store import JobRecord

KIND = "q-object-external-storage"


def job_document(
    record: JobRecord,
    info_queue: dict[str, Any] | None,
    *,
    full: bool,
    faults: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The job document.

    Args:
        record: the job.
        info_queue: its queue information (sent only while QUEUED).
        full: the full document (``GET /Jobs/{id}/v/1``) rather than a listing item,
            which has no ``timePerStep``.
        faults: deliberate deviations switched on.

    Returns:
        The document.
    """
    document: dict[str, Any] = {
        "id": record.id,
        "kind": KIND,
        "creationDate": _creation_date(record, faults),
        "status": wire_status(record.status, faults),
        "backend": {"name": record.backend, "id": backend_id(record.backend)},
        "hubInfo": {
            "hub": {"name": record.hub},
            "group": {"name": record.group},
            "project": {"name": record.project},
        },
        "userId": record.user_id,
        "tags": list(record.tags),
        "allowObjectStorage": record.allow_object_storage,
        "liveDataEnabled": record.live_data_enabled,
        "runMode": "fairshare",
        "shareLevel": "none",
        "deleted": False,
    }
    optional = {
        "name": record.name,
        "experimentTag": record.experiment_tag,
        "clientInfo": record.client_info,
        "error": record.error,
        "summaryData": record.summary,
        "endDate": record.end_date,
        "shots": record.shots,
    }
    document.update({key: value for key, value in optional.items() if value is not None})
    if full:
        document["timePerStep"] = dict(record.time_per_step)
    if info_queue is not None and _shows_queue(record, faults):
        document["infoQueue"] = info_queue
    if "missing_creation_date" in faults:
        del document["creationDate"]
    return document


def status_document(
    record: JobRecord, info_queue: dict[str, Any] | None, faults: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The answer of ``GET /Jobs/{id}/status/v/1`` and the data of websocket frames."""
    document: dict[str, Any] = {"id": record.id, "status": wire_status(record.status, faults)}
    if info_queue is not None and _shows_queue(record, faults):
        document["infoQueue"] = info_queue
    return document


def wire_status(status: str, faults: frozenset[str]) -> str:
    """The status string sent for ``status``."""
    return status.lower() if "wrong_status_string" in faults else status


def _shows_queue(record: JobRecord, faults: frozenset[str]) -> bool:
    if record.status == statuses.QUEUED:
        return True
    return "info_queue_outside_queued" in faults and record.status in (
        statuses.VALIDATED,
        statuses.RUNNING,
    )


def _creation_date(record: JobRecord, faults: frozenset[str]) -> str:
    if "paging_repeats" in faults:
        # Whole seconds: jobs created within one second share a date.
        return record.creation_date[:19] + ".000Z"
    return record.creation_date
