from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceQueueStatus")


@_attrs_define
class DeviceQueueStatus:
    """
    Attributes:
        state (bool): Whether the backend is operational.
        status (str): Status message, e.g. `active`.
        length_queue (int | Unset):
        backend_version (str | Unset):
        message (str | Unset):
    """

    state: bool
    status: str
    length_queue: int | Unset = UNSET
    backend_version: str | Unset = UNSET
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state

        status = self.status

        length_queue = self.length_queue

        backend_version = self.backend_version

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
                "status": status,
            }
        )
        if length_queue is not UNSET:
            field_dict["lengthQueue"] = length_queue
        if backend_version is not UNSET:
            field_dict["backend_version"] = backend_version
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        state = d.pop("state")

        status = d.pop("status")

        length_queue = d.pop("lengthQueue", UNSET)

        backend_version = d.pop("backend_version", UNSET)

        message = d.pop("message", UNSET)

        device_queue_status = cls(
            state=state,
            status=status,
            length_queue=length_queue,
            backend_version=backend_version,
            message=message,
        )

        device_queue_status.additional_properties = d
        return device_queue_status

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
