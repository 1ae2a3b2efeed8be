from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.hub_info import HubInfo


T = TypeVar("T", bound="Reservation")


@_attrs_define
class Reservation:
    """A time slot of a backend booked by a project. `id`, `backendName`, `mode`,
    `creationDate` and `hubInfo` are sent only to the project that made the reservation.

        Attributes:
            initial_date (datetime.datetime):
            end_date (datetime.datetime):
            id (str | Unset):
            backend_name (str | Unset):
            mode (str | Unset):
            creation_date (datetime.datetime | Unset):
            hub_info (HubInfo | Unset):
    """

    initial_date: datetime.datetime
    end_date: datetime.datetime
    id: str | Unset = UNSET
    backend_name: str | Unset = UNSET
    mode: str | Unset = UNSET
    creation_date: datetime.datetime | Unset = UNSET
    hub_info: HubInfo | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        initial_date = self.initial_date.isoformat()

        end_date = self.end_date.isoformat()

        id = self.id

        backend_name = self.backend_name

        mode = self.mode

        creation_date: str | Unset = UNSET
        if not isinstance(self.creation_date, Unset):
            creation_date = self.creation_date.isoformat()

        hub_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.hub_info, Unset):
            hub_info = self.hub_info.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "initialDate": initial_date,
                "endDate": end_date,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if backend_name is not UNSET:
            field_dict["backendName"] = backend_name
        if mode is not UNSET:
            field_dict["mode"] = mode
        if creation_date is not UNSET:
            field_dict["creationDate"] = creation_date
        if hub_info is not UNSET:
            field_dict["hubInfo"] = hub_info

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.hub_info import HubInfo

        d = dict(src_dict)
        initial_date = datetime.datetime.fromisoformat(d.pop("initialDate"))

        end_date = datetime.datetime.fromisoformat(d.pop("endDate"))

        id = d.pop("id", UNSET)

        backend_name = d.pop("backendName", UNSET)

        mode = d.pop("mode", UNSET)

        _creation_date = d.pop("creationDate", UNSET)
        creation_date: datetime.datetime | Unset
        if isinstance(_creation_date, Unset):
            creation_date = UNSET
        else:
            creation_date = datetime.datetime.fromisoformat(_creation_date)

        _hub_info = d.pop("hubInfo", UNSET)
        hub_info: HubInfo | Unset
        if isinstance(_hub_info, Unset):
            hub_info = UNSET
        else:
            hub_info = HubInfo.from_dict(_hub_info)

        reservation = cls(
            initial_date=initial_date,
            end_date=end_date,
            id=id,
            backend_name=backend_name,
            mode=mode,
            creation_date=creation_date,
            hub_info=hub_info,
        )

        reservation.additional_properties = d
        return reservation

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
