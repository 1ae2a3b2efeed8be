from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.qobj_experiment_config import QobjExperimentConfig
    from ..models.qobj_experiment_header import QobjExperimentHeader
    from ..models.qobj_instruction import QobjInstruction


T = TypeVar("T", bound="QobjExperiment")


@_attrs_define
class QobjExperiment:
    """
    Attributes:
        instructions (list[QobjInstruction]):
        header (QobjExperimentHeader | Unset):
        config (QobjExperimentConfig | Unset):
    """

    instructions: list[QobjInstruction]
    header: QobjExperimentHeader | Unset = UNSET
    config: QobjExperimentConfig | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instructions = []
        for instructions_item_data in self.instructions:
            instructions_item = instructions_item_data.to_dict()
            instructions.append(instructions_item)

        header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.header, Unset):
            header = self.header.to_dict()

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instructions": instructions,
            }
        )
        if header is not UNSET:
            field_dict["header"] = header
        if config is not UNSET:
            field_dict["config"] = config

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.qobj_experiment_config import QobjExperimentConfig
        from ..models.qobj_experiment_header import QobjExperimentHeader
        from ..models.qobj_instruction import QobjInstruction

        d = dict(src_dict)
        instructions = []
        _instructions = d.pop("instructions")
        for instructions_item_data in _instructions:
            instructions_item = QobjInstruction.from_dict(instructions_item_data)

            instructions.append(instructions_item)

        _header = d.pop("header", UNSET)
        header: QobjExperimentHeader | Unset
        if isinstance(_header, Unset):
            header = UNSET
        else:
            header = QobjExperimentHeader.from_dict(_header)

        _config = d.pop("config", UNSET)
        config: QobjExperimentConfig | Unset
        if isinstance(_config, Unset):
            config = UNSET
        else:
            config = QobjExperimentConfig.from_dict(_config)

        qobj_experiment = cls(
            instructions=instructions,
            header=header,
            config=config,
        )

        qobj_experiment.additional_properties = d
        return qobj_experiment

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
