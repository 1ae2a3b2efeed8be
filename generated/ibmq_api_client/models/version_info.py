from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="VersionInfo")


@_attrs_define
class VersionInfo:
    """
    Attributes:
        api_auth (str):
        api_jobs (str | Unset): Version of the job service.
        new_api (bool | Unset):
    """

    api_auth: str
    api_jobs: str | Unset = UNSET
    new_api: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_auth = self.api_auth

        api_jobs = self.api_jobs

        new_api = self.new_api

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "api-auth": api_auth,
            }
        )
        if api_jobs is not UNSET:
            field_dict["api-jobs"] = api_jobs
        if new_api is not UNSET:
            field_dict["new_api"] = new_api

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        api_auth = d.pop("api-auth")

        api_jobs = d.pop("api-jobs", UNSET)

        new_api = d.pop("new_api", UNSET)

        version_info = cls(
            api_auth=api_auth,
            api_jobs=api_jobs,
            new_api=new_api,
        )

        version_info.additional_properties = d
        return version_info

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
