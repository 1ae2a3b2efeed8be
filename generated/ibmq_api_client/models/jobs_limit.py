from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobsLimit")


@_attrs_define
class JobsLimit:
    """
    Attributes:
        maximum_jobs (int):
        running_jobs (int):
    """

    maximum_jobs: int
    running_jobs: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        maximum_jobs = self.maximum_jobs

        running_jobs = self.running_jobs

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "maximumJobs": maximum_jobs,
                "runningJobs": running_jobs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        maximum_jobs = d.pop("maximumJobs")

        running_jobs = d.pop("runningJobs")

        jobs_limit = cls(
            maximum_jobs=maximum_jobs,
            running_jobs=running_jobs,
        )

        jobs_limit.additional_properties = d
        return jobs_limit

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
