from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.experiment_result_data import ExperimentResultData
    from ..models.experiment_result_header import ExperimentResultHeader


T = TypeVar("T", bound="ExperimentResult")


@_attrs_define
class ExperimentResult:
    """
    Attributes:
        shots (int | list[int]): Number of shots, or a `[first, last]` range.
        success (bool):
        data (ExperimentResultData):
        status (str | Unset):
        seed_simulator (int | Unset):
        meas_level (int | Unset):
        header (ExperimentResultHeader | Unset):
    """

    shots: int | list[int]
    success: bool
    data: ExperimentResultData
    status: str | Unset = UNSET
    seed_simulator: int | Unset = UNSET
    meas_level: int | Unset = UNSET
    header: ExperimentResultHeader | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        shots: int | list[int]
        if isinstance(self.shots, list):
            shots = self.shots

        else:
            shots = self.shots

        success = self.success

        data = self.data.to_dict()

        status = self.status

        seed_simulator = self.seed_simulator

        meas_level = self.meas_level

        header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.header, Unset):
            header = self.header.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "shots": shots,
                "success": success,
                "data": data,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if seed_simulator is not UNSET:
            field_dict["seed_simulator"] = seed_simulator
        if meas_level is not UNSET:
            field_dict["meas_level"] = meas_level
        if header is not UNSET:
            field_dict["header"] = header

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.experiment_result_data import ExperimentResultData
        from ..models.experiment_result_header import ExperimentResultHeader

        d = dict(src_dict)

        def _parse_shots(data: object) -> int | list[int]:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                shots_type_1 = cast(list[int], data)

                return shots_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(int | list[int], data)

        shots = _parse_shots(d.pop("shots"))

        success = d.pop("success")

        data = ExperimentResultData.from_dict(d.pop("data"))

        status = d.pop("status", UNSET)

        seed_simulator = d.pop("seed_simulator", UNSET)

        meas_level = d.pop("meas_level", UNSET)

        _header = d.pop("header", UNSET)
        header: ExperimentResultHeader | Unset
        if isinstance(_header, Unset):
            header = UNSET
        else:
            header = ExperimentResultHeader.from_dict(_header)

        experiment_result = cls(
            shots=shots,
            success=success,
            data=data,
            status=status,
            seed_simulator=seed_simulator,
            meas_level=meas_level,
            header=header,
        )

        experiment_result.additional_properties = d
        return experiment_result

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
