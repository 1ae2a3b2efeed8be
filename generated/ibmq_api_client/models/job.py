from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backend_properties import BackendProperties
    from ..models.backend_ref import BackendRef
    from ..models.client_info import ClientInfo
    from ..models.hub_info import HubInfo
    from ..models.info_queue import InfoQueue
    from ..models.job_error import JobError
    from ..models.job_summary_data import JobSummaryData
    from ..models.job_time_per_step import JobTimePerStep
    from ..models.object_storage_info import ObjectStorageInfo
    from ..models.qobj import Qobj
    from ..models.result import Result


T = TypeVar("T", bound="Job")


@_attrs_define
class Job:
    """A job document. Unknown fields are allowed and must be kept by clients.

    Attributes:
        id (str):
        creation_date (datetime.datetime):
        status (str): Job status. Documented values: CREATING, CREATED, TRANSPILING, TRANSPILED, VALIDATING,
            VALIDATED, QUEUED, PENDING_IN_QUEUE, RUNNING, COMPLETED, CANCELLED, ERROR_CREATING_JOB,
            ERROR_VALIDATING_JOB, ERROR_RUNNING_JOB, ERROR_TRANSPILING_JOB. Final: COMPLETED,
            CANCELLED and every ERROR_*. Clients must accept any other string of upper-case
            letters, digits and underscores.
             Example: QUEUED.
        kind (str | Unset): `q-object-external-storage` for jobs submitted through object storage; also `q-object`,
            `q-circuit`.
        backend (BackendRef | Unset):
        name (str | Unset):
        tags (list[str] | Unset):
        experiment_tag (str | Unset):
        live_data_enabled (bool | None | Unset):
        allow_object_storage (bool | Unset):
        object_storage_info (ObjectStorageInfo | Unset):
        time_per_step (JobTimePerStep | Unset): Time each status was entered, keyed by status.
        info_queue (InfoQueue | Unset):
        error (JobError | Unset):
        run_mode (str | Unset): `fairshare` or `dedicated`.
        client_info (ClientInfo | Unset):
        share_level (str | Unset):
        hub_info (HubInfo | Unset):
        user_id (str | Unset):
        end_date (datetime.datetime | Unset):
        cost (float | Unset):
        shots (int | Unset):
        summary_data (JobSummaryData | Unset):
        q_object (Qobj | Unset): A Qobj (QASM or Pulse), top-level structure.
        q_object_result (Result | Unset): A qiskit Result. On a failed job, `success` is false and `results[].success`
            may differ (partial results).
        calibration (BackendProperties | Unset): A backend calibration (`backend_name`, `backend_version`,
            `last_update_date`, `qubits`,
            `gates`, `general`), or an empty object when there is none.
        deleted (bool | Unset):
    """

    id: str
    creation_date: datetime.datetime
    status: str
    kind: str | Unset = UNSET
    backend: BackendRef | Unset = UNSET
    name: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    experiment_tag: str | Unset = UNSET
    live_data_enabled: bool | None | Unset = UNSET
    allow_object_storage: bool | Unset = UNSET
    object_storage_info: ObjectStorageInfo | Unset = UNSET
    time_per_step: JobTimePerStep | Unset = UNSET
    info_queue: InfoQueue | Unset = UNSET
    error: JobError | Unset = UNSET
    run_mode: str | Unset = UNSET
    client_info: ClientInfo | Unset = UNSET
    share_level: str | Unset = UNSET
    hub_info: HubInfo | Unset = UNSET
    user_id: str | Unset = UNSET
    end_date: datetime.datetime | Unset = UNSET
    cost: float | Unset = UNSET
    shots: int | Unset = UNSET
    summary_data: JobSummaryData | Unset = UNSET
    q_object: Qobj | Unset = UNSET
    q_object_result: Result | Unset = UNSET
    calibration: BackendProperties | Unset = UNSET
    deleted: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        creation_date = self.creation_date.isoformat()

        status = self.status

        kind = self.kind

        backend: dict[str, Any] | Unset = UNSET
        if not isinstance(self.backend, Unset):
            backend = self.backend.to_dict()

        name = self.name

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        experiment_tag = self.experiment_tag

        live_data_enabled: bool | None | Unset
        if isinstance(self.live_data_enabled, Unset):
            live_data_enabled = UNSET
        else:
            live_data_enabled = self.live_data_enabled

        allow_object_storage = self.allow_object_storage

        object_storage_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.object_storage_info, Unset):
            object_storage_info = self.object_storage_info.to_dict()

        time_per_step: dict[str, Any] | Unset = UNSET
        if not isinstance(self.time_per_step, Unset):
            time_per_step = self.time_per_step.to_dict()

        info_queue: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info_queue, Unset):
            info_queue = self.info_queue.to_dict()

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        run_mode = self.run_mode

        client_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.client_info, Unset):
            client_info = self.client_info.to_dict()

        share_level = self.share_level

        hub_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.hub_info, Unset):
            hub_info = self.hub_info.to_dict()

        user_id = self.user_id

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        cost = self.cost

        shots = self.shots

        summary_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.summary_data, Unset):
            summary_data = self.summary_data.to_dict()

        q_object: dict[str, Any] | Unset = UNSET
        if not isinstance(self.q_object, Unset):
            q_object = self.q_object.to_dict()

        q_object_result: dict[str, Any] | Unset = UNSET
        if not isinstance(self.q_object_result, Unset):
            q_object_result = self.q_object_result.to_dict()

        calibration: dict[str, Any] | Unset = UNSET
        if not isinstance(self.calibration, Unset):
            calibration = self.calibration.to_dict()

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "creationDate": creation_date,
                "status": status,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if backend is not UNSET:
            field_dict["backend"] = backend
        if name is not UNSET:
            field_dict["name"] = name
        if tags is not UNSET:
            field_dict["tags"] = tags
        if experiment_tag is not UNSET:
            field_dict["experimentTag"] = experiment_tag
        if live_data_enabled is not UNSET:
            field_dict["liveDataEnabled"] = live_data_enabled
        if allow_object_storage is not UNSET:
            field_dict["allowObjectStorage"] = allow_object_storage
        if object_storage_info is not UNSET:
            field_dict["objectStorageInfo"] = object_storage_info
        if time_per_step is not UNSET:
            field_dict["timePerStep"] = time_per_step
        if info_queue is not UNSET:
            field_dict["infoQueue"] = info_queue
        if error is not UNSET:
            field_dict["error"] = error
        if run_mode is not UNSET:
            field_dict["runMode"] = run_mode
        if client_info is not UNSET:
            field_dict["clientInfo"] = client_info
        if share_level is not UNSET:
            field_dict["shareLevel"] = share_level
        if hub_info is not UNSET:
            field_dict["hubInfo"] = hub_info
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if end_date is not UNSET:
            field_dict["endDate"] = end_date
        if cost is not UNSET:
            field_dict["cost"] = cost
        if shots is not UNSET:
            field_dict["shots"] = shots
        if summary_data is not UNSET:
            field_dict["summaryData"] = summary_data
        if q_object is not UNSET:
            field_dict["qObject"] = q_object
        if q_object_result is not UNSET:
            field_dict["qObjectResult"] = q_object_result
        if calibration is not UNSET:
            field_dict["calibration"] = calibration
        if deleted is not UNSET:
            field_dict["deleted"] = deleted

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.backend_properties import BackendProperties
        from ..models.backend_ref import BackendRef
        from ..models.client_info import ClientInfo
        from ..models.hub_info import HubInfo
        from ..models.info_queue import InfoQueue
        from ..models.job_error import JobError
        from ..models.job_summary_data import JobSummaryData
        from ..models.job_time_per_step import JobTimePerStep
        from ..models.object_storage_info import ObjectStorageInfo
        from ..models.qobj import Qobj
        from ..models.result import Result

        d = dict(src_dict)
        id = d.pop("id")

        creation_date = datetime.datetime.fromisoformat(d.pop("creationDate"))

        status = d.pop("status")

        kind = d.pop("kind", UNSET)

        _backend = d.pop("backend", UNSET)
        backend: BackendRef | Unset
        if isinstance(_backend, Unset):
            backend = UNSET
        else:
            backend = BackendRef.from_dict(_backend)

        name = d.pop("name", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        experiment_tag = d.pop("experimentTag", UNSET)

        def _parse_live_data_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        live_data_enabled = _parse_live_data_enabled(d.pop("liveDataEnabled", UNSET))

        allow_object_storage = d.pop("allowObjectStorage", UNSET)

        _object_storage_info = d.pop("objectStorageInfo", UNSET)
        object_storage_info: ObjectStorageInfo | Unset
        if isinstance(_object_storage_info, Unset):
            object_storage_info = UNSET
        else:
            object_storage_info = ObjectStorageInfo.from_dict(_object_storage_info)

        _time_per_step = d.pop("timePerStep", UNSET)
        time_per_step: JobTimePerStep | Unset
        if isinstance(_time_per_step, Unset):
            time_per_step = UNSET
        else:
            time_per_step = JobTimePerStep.from_dict(_time_per_step)

        _info_queue = d.pop("infoQueue", UNSET)
        info_queue: InfoQueue | Unset
        if isinstance(_info_queue, Unset):
            info_queue = UNSET
        else:
            info_queue = InfoQueue.from_dict(_info_queue)

        _error = d.pop("error", UNSET)
        error: JobError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = JobError.from_dict(_error)

        run_mode = d.pop("runMode", UNSET)

        _client_info = d.pop("clientInfo", UNSET)
        client_info: ClientInfo | Unset
        if isinstance(_client_info, Unset):
            client_info = UNSET
        else:
            client_info = ClientInfo.from_dict(_client_info)

        share_level = d.pop("shareLevel", UNSET)

        _hub_info = d.pop("hubInfo", UNSET)
        hub_info: HubInfo | Unset
        if isinstance(_hub_info, Unset):
            hub_info = UNSET
        else:
            hub_info = HubInfo.from_dict(_hub_info)

        user_id = d.pop("userId", UNSET)

        _end_date = d.pop("endDate", UNSET)
        end_date: datetime.datetime | Unset
        if isinstance(_end_date, Unset):
            end_date = UNSET
        else:
            end_date = datetime.datetime.fromisoformat(_end_date)

        cost = d.pop("cost", UNSET)

        shots = d.pop("shots", UNSET)

        _summary_data = d.pop("summaryData", UNSET)
        summary_data: JobSummaryData | Unset
        if isinstance(_summary_data, Unset):
            summary_data = UNSET
        else:
            summary_data = JobSummaryData.from_dict(_summary_data)

        _q_object = d.pop("qObject", UNSET)
        q_object: Qobj | Unset
        if isinstance(_q_object, Unset):
            q_object = UNSET
        else:
            q_object = Qobj.from_dict(_q_object)

        _q_object_result = d.pop("qObjectResult", UNSET)
        q_object_result: Result | Unset
        if isinstance(_q_object_result, Unset):
            q_object_result = UNSET
        else:
            q_object_result = Result.from_dict(_q_object_result)

        _calibration = d.pop("calibration", UNSET)
        calibration: BackendProperties | Unset
        if isinstance(_calibration, Unset):
            calibration = UNSET
        else:
            calibration = BackendProperties.from_dict(_calibration)

        deleted = d.pop("deleted", UNSET)

        job = cls(
            id=id,
            creation_date=creation_date,
            status=status,
            kind=kind,
            backend=backend,
            name=name,
            tags=tags,
            experiment_tag=experiment_tag,
            live_data_enabled=live_data_enabled,
            allow_object_storage=allow_object_storage,
            object_storage_info=object_storage_info,
            time_per_step=time_per_step,
            info_queue=info_queue,
            error=error,
            run_mode=run_mode,
            client_info=client_info,
            share_level=share_level,
            hub_info=hub_info,
            user_id=user_id,
            end_date=end_date,
            cost=cost,
            shots=shots,
            summary_data=summary_data,
            q_object=q_object,
            q_object_result=q_object_result,
            calibration=calibration,
            deleted=deleted,
        )

        job.additional_properties = d
        return job

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
