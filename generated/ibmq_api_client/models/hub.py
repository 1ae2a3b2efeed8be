from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.hub_groups import HubGroups


T = TypeVar("T", bound="Hub")


@_attrs_define
class Hub:
    """
    Attributes:
        name (str):
        groups (HubGroups): Groups keyed by name.
        title (str | Unset):
    """

    name: str
    groups: HubGroups
    title: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        groups = self.groups.to_dict()

        title = self.title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "groups": groups,
            }
        )
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.hub_groups import HubGroups

        d = dict(src_dict)
        name = d.pop("name")

        groups = HubGroups.from_dict(d.pop("groups"))

        title = d.pop("title", UNSET)

        hub = cls(
            name=name,
            groups=groups,
            title=title,
        )

        hub.additional_properties = d
        return hub

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
