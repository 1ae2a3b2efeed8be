from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InfoQueue")


@_attrs_define
class InfoQueue:
    """
    Attributes:
        status (str | Unset):  Example: PENDING_IN_QUEUE.
        position (int | Unset):
        estimated_start_time (datetime.datetime | Unset):
        estimated_complete_time (datetime.datetime | Unset):
        hub_priority (float | Unset):
        group_priority (float | Unset):
        project_priority (float | Unset):
    """

    status: str | Unset = UNSET
    position: int | Unset = UNSET
    estimated_start_time: datetime.datetime | Unset = UNSET
    estimated_complete_time: datetime.datetime | Unset = UNSET
    hub_priority: float | Unset = UNSET
    group_priority: float | Unset = UNSET
    project_priority: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        position = self.position

        estimated_start_time: str | Unset = UNSET
        if not isinstance(self.estimated_start_time, Unset):
            estimated_start_time = self.estimated_start_time.isoformat()

        estimated_complete_time: str | Unset = UNSET
        if not isinstance(self.estimated_complete_time, Unset):
            estimated_complete_time = self.estimated_complete_time.isoformat()

        hub_priority = self.hub_priority

        group_priority = self.group_priority

        project_priority = self.project_priority

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if position is not UNSET:
            field_dict["position"] = position
        if estimated_start_time is not UNSET:
            field_dict["estimatedStartTime"] = estimated_start_time
        if estimated_complete_time is not UNSET:
            field_dict["estimatedCompleteTime"] = estimated_complete_time
        if hub_priority is not UNSET:
            field_dict["hubPriority"] = hub_priority
        if group_priority is not UNSET:
            field_dict["groupPriority"] = group_priority
        if project_priority is not UNSET:
            field_dict["projectPriority"] = project_priority

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = d.pop("status", UNSET)

        position = d.pop("position", UNSET)

        _estimated_start_time = d.pop("estimatedStartTime", UNSET)
        estimated_start_time: datetime.datetime | Unset
        if isinstance(_estimated_start_time, Unset):
            estimated_start_time = UNSET
        else:
            estimated_start_time = datetime.datetime.fromisoformat(
                _estimated_start_time
            )

        _estimated_complete_time = d.pop("estimatedCompleteTime", UNSET)
        estimated_complete_time: datetime.datetime | Unset
        if isinstance(_estimated_complete_time, Unset):
            estimated_complete_time = UNSET
        else:
            estimated_complete_time = datetime.datetime.fromisoformat(
                _estimated_complete_time
            )

        hub_priority = d.pop("hubPriority", UNSET)

        group_priority = d.pop("groupPriority", UNSET)

        project_priority = d.pop("projectPriority", UNSET)

        info_queue = cls(
            status=status,
            position=position,
            estimated_start_time=estimated_start_time,
            estimated_complete_time=estimated_complete_time,
            hub_priority=hub_priority,
            group_priority=group_priority,
            project_priority=project_priority,
        )

        info_queue.additional_properties = d
        return info_queue

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
