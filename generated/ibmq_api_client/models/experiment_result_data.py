from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.experiment_result_data_counts import ExperimentResultDataCounts


T = TypeVar("T", bound="ExperimentResultData")


@_attrs_define
class ExperimentResultData:
    """
    Attributes:
        counts (ExperimentResultDataCounts | Unset):
        memory (list[Any] | Unset):
    """

    counts: ExperimentResultDataCounts | Unset = UNSET
    memory: list[Any] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.counts, Unset):
            counts = self.counts.to_dict()

        memory: list[Any] | Unset = UNSET
        if not isinstance(self.memory, Unset):
            memory = self.memory

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if counts is not UNSET:
            field_dict["counts"] = counts
        if memory is not UNSET:
            field_dict["memory"] = memory

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.experiment_result_data_counts import ExperimentResultDataCounts

        d = dict(src_dict)
        _counts = d.pop("counts", UNSET)
        counts: ExperimentResultDataCounts | Unset
        if isinstance(_counts, Unset):
            counts = UNSET
        else:
            counts = ExperimentResultDataCounts.from_dict(_counts)

        memory = cast(list[Any], d.pop("memory", UNSET))

        experiment_result_data = cls(
            counts=counts,
            memory=memory,
        )

        experiment_result_data.additional_properties = d
        return experiment_result_data

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
