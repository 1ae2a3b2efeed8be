from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.info_queue import InfoQueue


T = TypeVar("T", bound="JobStatusResponse")


@_attrs_define
class JobStatusResponse:
    """
    Attributes:
        status (str): Job status. Documented values: CREATING, CREATED, TRANSPILING, TRANSPILED, VALIDATING,
            VALIDATED, QUEUED, PENDING_IN_QUEUE, RUNNING, COMPLETED, CANCELLED, ERROR_CREATING_JOB,
            ERROR_VALIDATING_JOB, ERROR_RUNNING_JOB, ERROR_TRANSPILING_JOB. Final: COMPLETED,
            CANCELLED and every ERROR_*. Clients must accept any other string of upper-case
            letters, digits and underscores.
             Example: QUEUED.
        id (str | Unset):
        info_queue (InfoQueue | Unset):
    """

    status: str
    id: str | Unset = UNSET
    info_queue: InfoQueue | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        id = self.id

        info_queue: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info_queue, Unset):
            info_queue = self.info_queue.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if info_queue is not UNSET:
            field_dict["infoQueue"] = info_queue

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.info_queue import InfoQueue

        d = dict(src_dict)
        status = d.pop("status")

        id = d.pop("id", UNSET)

        _info_queue = d.pop("infoQueue", UNSET)
        info_queue: InfoQueue | Unset
        if isinstance(_info_queue, Unset):
            info_queue = UNSET
        else:
            info_queue = InfoQueue.from_dict(_info_queue)

        job_status_response = cls(
            status=status,
            id=id,
            info_queue=info_queue,
        )

        job_status_response.additional_properties = d
        return job_status_response

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
