from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.named_ref import NamedRef


T = TypeVar("T", bound="HubInfo")


@_attrs_define
class HubInfo:
    """
    Attributes:
        hub (NamedRef | Unset):
        group (NamedRef | Unset):
        project (NamedRef | Unset):
    """

    hub: NamedRef | Unset = UNSET
    group: NamedRef | Unset = UNSET
    project: NamedRef | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hub: dict[str, Any] | Unset = UNSET
        if not isinstance(self.hub, Unset):
            hub = self.hub.to_dict()

        group: dict[str, Any] | Unset = UNSET
        if not isinstance(self.group, Unset):
            group = self.group.to_dict()

        project: dict[str, Any] | Unset = UNSET
        if not isinstance(self.project, Unset):
            project = self.project.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if hub is not UNSET:
            field_dict["hub"] = hub
        if group is not UNSET:
            field_dict["group"] = group
        if project is not UNSET:
            field_dict["project"] = project

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.named_ref import NamedRef

        d = dict(src_dict)
        _hub = d.pop("hub", UNSET)
        hub: NamedRef | Unset
        if isinstance(_hub, Unset):
            hub = UNSET
        else:
            hub = NamedRef.from_dict(_hub)

        _group = d.pop("group", UNSET)
        group: NamedRef | Unset
        if isinstance(_group, Unset):
            group = UNSET
        else:
            group = NamedRef.from_dict(_group)

        _project = d.pop("project", UNSET)
        project: NamedRef | Unset
        if isinstance(_project, Unset):
            project = UNSET
        else:
            project = NamedRef.from_dict(_project)

        hub_info = cls(
            hub=hub,
            group=group,
            project=project,
        )

        hub_info.additional_properties = d
        return hub_info

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
