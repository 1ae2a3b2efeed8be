from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.qobj_type import QobjType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.qobj_config import QobjConfig
    from ..models.qobj_experiment import QobjExperiment
    from ..models.qobj_header import QobjHeader


T = TypeVar("T", bound="Qobj")


@_attrs_define
class Qobj:
    """A Qobj (QASM or Pulse), top-level structure.

    Attributes:
        qobj_id (str):
        type_ (QobjType):
        schema_version (str):
        config (QobjConfig):
        experiments (list[QobjExperiment]):
        header (QobjHeader | Unset):
    """

    qobj_id: str
    type_: QobjType
    schema_version: str
    config: QobjConfig
    experiments: list[QobjExperiment]
    header: QobjHeader | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        qobj_id = self.qobj_id

        type_ = self.type_.value

        schema_version = self.schema_version

        config = self.config.to_dict()

        experiments = []
        for experiments_item_data in self.experiments:
            experiments_item = experiments_item_data.to_dict()
            experiments.append(experiments_item)

        header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.header, Unset):
            header = self.header.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "qobj_id": qobj_id,
                "type": type_,
                "schema_version": schema_version,
                "config": config,
                "experiments": experiments,
            }
        )
        if header is not UNSET:
            field_dict["header"] = header

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.qobj_config import QobjConfig
        from ..models.qobj_experiment import QobjExperiment
        from ..models.qobj_header import QobjHeader

        d = dict(src_dict)
        qobj_id = d.pop("qobj_id")

        type_ = QobjType(d.pop("type"))

        schema_version = d.pop("schema_version")

        config = QobjConfig.from_dict(d.pop("config"))

        experiments = []
        _experiments = d.pop("experiments")
        for experiments_item_data in _experiments:
            experiments_item = QobjExperiment.from_dict(experiments_item_data)

            experiments.append(experiments_item)

        _header = d.pop("header", UNSET)
        header: QobjHeader | Unset
        if isinstance(_header, Unset):
            header = UNSET
        else:
            header = QobjHeader.from_dict(_header)

        qobj = cls(
            qobj_id=qobj_id,
            type_=type_,
            schema_version=schema_version,
            config=config,
            experiments=experiments,
            header=header,
        )

        qobj.additional_properties = d
        return qobj

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
