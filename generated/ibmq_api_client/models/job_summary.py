from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="JobSummary")


@_attrs_define
class JobSummary:
    """A job document projected on the requested fields.

    Attributes:
        id (str):
        creation_date (datetime.datetime | Unset):
        live_data_enabled (bool | None | Unset):
        status (str | Unset): Job status. Documented values: CREATING, CREATED, TRANSPILING, TRANSPILED, VALIDATING,
            VALIDATED, QUEUED, PENDING_IN_QUEUE, RUNNING, COMPLETED, CANCELLED, ERROR_CREATING_JOB,
            ERROR_VALIDATING_JOB, ERROR_RUNNING_JOB, ERROR_TRANSPILING_JOB. Final: COMPLETED,
            CANCELLED and every ERROR_*. Clients must accept any other string of upper-case
            letters, digits and underscores.
             Example: QUEUED.
    """

    id: str
    creation_date: datetime.datetime | Unset = UNSET
    live_data_enabled: bool | None | Unset = UNSET
    status: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        creation_date: str | Unset = UNSET
        if not isinstance(self.creation_date, Unset):
            creation_date = self.creation_date.isoformat()

        live_data_enabled: bool | None | Unset
        if isinstance(self.live_data_enabled, Unset):
            live_data_enabled = UNSET
        else:
            live_data_enabled = self.live_data_enabled

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if creation_date is not UNSET:
            field_dict["creationDate"] = creation_date
        if live_data_enabled is not UNSET:
            field_dict["liveDataEnabled"] = live_data_enabled
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        _creation_date = d.pop("creationDate", UNSET)
        creation_date: datetime.datetime | Unset
        if isinstance(_creation_date, Unset):
            creation_date = UNSET
        else:
            creation_date = datetime.datetime.fromisoformat(_creation_date)

        def _parse_live_data_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        live_data_enabled = _parse_live_data_enabled(d.pop("liveDataEnabled", UNSET))

        status = d.pop("status", UNSET)

        job_summary = cls(
            id=id,
            creation_date=creation_date,
            live_data_enabled=live_data_enabled,
            status=status,
        )

        job_summary.additional_properties = d
        return job_summary

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
