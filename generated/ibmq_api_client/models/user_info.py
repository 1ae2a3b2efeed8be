from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.service_urls import ServiceUrls


T = TypeVar("T", bound="UserInfo")


@_attrs_define
class UserInfo:
    """
    Attributes:
        urls (ServiceUrls):
        id (str | Unset):
        user_id (str | Unset):
        username (str | Unset):
        email (str | Unset):
        can_schedule_backends (bool | Unset):
    """

    urls: ServiceUrls
    id: str | Unset = UNSET
    user_id: str | Unset = UNSET
    username: str | Unset = UNSET
    email: str | Unset = UNSET
    can_schedule_backends: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        urls = self.urls.to_dict()

        id = self.id

        user_id = self.user_id

        username = self.username

        email = self.email

        can_schedule_backends = self.can_schedule_backends

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "urls": urls,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if username is not UNSET:
            field_dict["username"] = username
        if email is not UNSET:
            field_dict["email"] = email
        if can_schedule_backends is not UNSET:
            field_dict["canScheduleBackends"] = can_schedule_backends

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.service_urls import ServiceUrls

        d = dict(src_dict)
        urls = ServiceUrls.from_dict(d.pop("urls"))

        id = d.pop("id", UNSET)

        user_id = d.pop("userId", UNSET)

        username = d.pop("username", UNSET)

        email = d.pop("email", UNSET)

        can_schedule_backends = d.pop("canScheduleBackends", UNSET)

        user_info = cls(
            urls=urls,
            id=id,
            user_id=user_id,
            username=username,
            email=email,
            can_schedule_backends=can_schedule_backends,
        )

        user_info.additional_properties = d
        return user_info

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
