from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="QobjInstruction")


@_attrs_define
class QobjInstruction:
    """
    Attributes:
        name (str):
        qubits (list[int] | Unset):
        params (list[Any] | Unset):
        memory (list[int] | Unset):
        t0 (int | Unset):
        ch (str | Unset):
    """

    name: str
    qubits: list[int] | Unset = UNSET
    params: list[Any] | Unset = UNSET
    memory: list[int] | Unset = UNSET
    t0: int | Unset = UNSET
    ch: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        qubits: list[int] | Unset = UNSET
        if not isinstance(self.qubits, Unset):
            qubits = self.qubits

        params: list[Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params

        memory: list[int] | Unset = UNSET
        if not isinstance(self.memory, Unset):
            memory = self.memory

        t0 = self.t0

        ch = self.ch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if qubits is not UNSET:
            field_dict["qubits"] = qubits
        if params is not UNSET:
            field_dict["params"] = params
        if memory is not UNSET:
            field_dict["memory"] = memory
        if t0 is not UNSET:
            field_dict["t0"] = t0
        if ch is not UNSET:
            field_dict["ch"] = ch

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        qubits = cast(list[int], d.pop("qubits", UNSET))

        params = cast(list[Any], d.pop("params", UNSET))

        memory = cast(list[int], d.pop("memory", UNSET))

        t0 = d.pop("t0", UNSET)

        ch = d.pop("ch", UNSET)

        qobj_instruction = cls(
            name=name,
            qubits=qubits,
            params=params,
            memory=memory,
            t0=t0,
            ch=ch,
        )

        qobj_instruction.additional_properties = d
        return qobj_instruction

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
