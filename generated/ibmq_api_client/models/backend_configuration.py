from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backend_configuration_gates_item import BackendConfigurationGatesItem


T = TypeVar("T", bound="BackendConfiguration")


@_attrs_define
class BackendConfiguration:
    """
    Attributes:
        backend_name (str):
        backend_version (str):
        n_qubits (int):
        basis_gates (list[str]):
        gates (list[BackendConfigurationGatesItem]):
        local (bool):
        simulator (bool):
        conditional (bool):
        open_pulse (bool):
        memory (bool):
        max_shots (int):
        max_experiments (int | Unset):
        coupling_map (list[list[int]] | None | Unset):
        online_date (datetime.datetime | Unset):
    """

    backend_name: str
    backend_version: str
    n_qubits: int
    basis_gates: list[str]
    gates: list[BackendConfigurationGatesItem]
    local: bool
    simulator: bool
    conditional: bool
    open_pulse: bool
    memory: bool
    max_shots: int
    max_experiments: int | Unset = UNSET
    coupling_map: list[list[int]] | None | Unset = UNSET
    online_date: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        backend_name = self.backend_name

        backend_version = self.backend_version

        n_qubits = self.n_qubits

        basis_gates = self.basis_gates

        gates = []
        for gates_item_data in self.gates:
            gates_item = gates_item_data.to_dict()
            gates.append(gates_item)

        local = self.local

        simulator = self.simulator

        conditional = self.conditional

        open_pulse = self.open_pulse

        memory = self.memory

        max_shots = self.max_shots

        max_experiments = self.max_experiments

        coupling_map: list[list[int]] | None | Unset
        if isinstance(self.coupling_map, Unset):
            coupling_map = UNSET
        elif isinstance(self.coupling_map, list):
            coupling_map = []
            for coupling_map_type_0_item_data in self.coupling_map:
                coupling_map_type_0_item = coupling_map_type_0_item_data

                coupling_map.append(coupling_map_type_0_item)

        else:
            coupling_map = self.coupling_map

        online_date: str | Unset = UNSET
        if not isinstance(self.online_date, Unset):
            online_date = self.online_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "backend_name": backend_name,
                "backend_version": backend_version,
                "n_qubits": n_qubits,
                "basis_gates": basis_gates,
                "gates": gates,
                "local": local,
                "simulator": simulator,
                "conditional": conditional,
                "open_pulse": open_pulse,
                "memory": memory,
                "max_shots": max_shots,
            }
        )
        if max_experiments is not UNSET:
            field_dict["max_experiments"] = max_experiments
        if coupling_map is not UNSET:
            field_dict["coupling_map"] = coupling_map
        if online_date is not UNSET:
            field_dict["online_date"] = online_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.backend_configuration_gates_item import (
            BackendConfigurationGatesItem,
        )

        d = dict(src_dict)
        backend_name = d.pop("backend_name")

        backend_version = d.pop("backend_version")

        n_qubits = d.pop("n_qubits")

        basis_gates = cast(list[str], d.pop("basis_gates"))

        gates = []
        _gates = d.pop("gates")
        for gates_item_data in _gates:
            gates_item = BackendConfigurationGatesItem.from_dict(gates_item_data)

            gates.append(gates_item)

        local = d.pop("local")

        simulator = d.pop("simulator")

        conditional = d.pop("conditional")

        open_pulse = d.pop("open_pulse")

        memory = d.pop("memory")

        max_shots = d.pop("max_shots")

        max_experiments = d.pop("max_experiments", UNSET)

        def _parse_coupling_map(data: object) -> list[list[int]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                coupling_map_type_0 = []
                _coupling_map_type_0 = data
                for coupling_map_type_0_item_data in _coupling_map_type_0:
                    coupling_map_type_0_item = cast(
                        list[int], coupling_map_type_0_item_data
                    )

                    coupling_map_type_0.append(coupling_map_type_0_item)

                return coupling_map_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[int]] | None | Unset, data)

        coupling_map = _parse_coupling_map(d.pop("coupling_map", UNSET))

        _online_date = d.pop("online_date", UNSET)
        online_date: datetime.datetime | Unset
        if isinstance(_online_date, Unset):
            online_date = UNSET
        else:
            online_date = datetime.datetime.fromisoformat(_online_date)

        backend_configuration = cls(
            backend_name=backend_name,
            backend_version=backend_version,
            n_qubits=n_qubits,
            basis_gates=basis_gates,
            gates=gates,
            local=local,
            simulator=simulator,
            conditional=conditional,
            open_pulse=open_pulse,
            memory=memory,
            max_shots=max_shots,
            max_experiments=max_experiments,
            coupling_map=coupling_map,
            online_date=online_date,
        )

        backend_configuration.additional_properties = d
        return backend_configuration

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
