from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="QobjConfig")


@_attrs_define
class QobjConfig:
    """
    Attributes:
        shots (int | Unset):
        memory (bool | Unset):
        memory_slots (int | Unset):
        n_qubits (int | Unset):
        seed_simulator (int | Unset):
        meas_level (int | Unset):
        meas_return (str | Unset):
    """

    shots: int | Unset = UNSET
    memory: bool | Unset = UNSET
    memory_slots: int | Unset = UNSET
    n_qubits: int | Unset = UNSET
    seed_simulator: int | Unset = UNSET
    meas_level: int | Unset = UNSET
    meas_return: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        shots = self.shots

        memory = self.memory

        memory_slots = self.memory_slots

        n_qubits = self.n_qubits

        seed_simulator = self.seed_simulator

        meas_level = self.meas_level

        meas_return = self.meas_return

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if shots is not UNSET:
            field_dict["shots"] = shots
        if memory is not UNSET:
            field_dict["memory"] = memory
        if memory_slots is not UNSET:
            field_dict["memory_slots"] = memory_slots
        if n_qubits is not UNSET:
            field_dict["n_qubits"] = n_qubits
        if seed_simulator is not UNSET:
            field_dict["seed_simulator"] = seed_simulator
        if meas_level is not UNSET:
            field_dict["meas_level"] = meas_level
        if meas_return is not UNSET:
            field_dict["meas_return"] = meas_return

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        shots = d.pop("shots", UNSET)

        memory = d.pop("memory", UNSET)

        memory_slots = d.pop("memory_slots", UNSET)

        n_qubits = d.pop("n_qubits", UNSET)

        seed_simulator = d.pop("seed_simulator", UNSET)

        meas_level = d.pop("meas_level", UNSET)

        meas_return = d.pop("meas_return", UNSET)

        qobj_config = cls(
            shots=shots,
            memory=memory,
            memory_slots=memory_slots,
            n_qubits=n_qubits,
            seed_simulator=seed_simulator,
            meas_level=meas_level,
            meas_return=meas_return,
        )

        qobj_config.additional_properties = d
        return qobj_config

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
