from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pulse_defaults_cmd_def_item import PulseDefaultsCmdDefItem
    from ..models.pulse_defaults_pulse_library_item import PulseDefaultsPulseLibraryItem


T = TypeVar("T", bound="PulseDefaults")


@_attrs_define
class PulseDefaults:
    """Pulse defaults (`qubit_freq_est`, `meas_freq_est`, `buffer`, `pulse_library`, `cmd_def`), or an empty object.

    Attributes:
        qubit_freq_est (list[float] | Unset):
        meas_freq_est (list[float] | Unset):
        buffer (int | Unset):
        pulse_library (list[PulseDefaultsPulseLibraryItem] | Unset):
        cmd_def (list[PulseDefaultsCmdDefItem] | Unset):
    """

    qubit_freq_est: list[float] | Unset = UNSET
    meas_freq_est: list[float] | Unset = UNSET
    buffer: int | Unset = UNSET
    pulse_library: list[PulseDefaultsPulseLibraryItem] | Unset = UNSET
    cmd_def: list[PulseDefaultsCmdDefItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        qubit_freq_est: list[float] | Unset = UNSET
        if not isinstance(self.qubit_freq_est, Unset):
            qubit_freq_est = self.qubit_freq_est

        meas_freq_est: list[float] | Unset = UNSET
        if not isinstance(self.meas_freq_est, Unset):
            meas_freq_est = self.meas_freq_est

        buffer = self.buffer

        pulse_library: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.pulse_library, Unset):
            pulse_library = []
            for pulse_library_item_data in self.pulse_library:
                pulse_library_item = pulse_library_item_data.to_dict()
                pulse_library.append(pulse_library_item)

        cmd_def: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.cmd_def, Unset):
            cmd_def = []
            for cmd_def_item_data in self.cmd_def:
                cmd_def_item = cmd_def_item_data.to_dict()
                cmd_def.append(cmd_def_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if qubit_freq_est is not UNSET:
            field_dict["qubit_freq_est"] = qubit_freq_est
        if meas_freq_est is not UNSET:
            field_dict["meas_freq_est"] = meas_freq_est
        if buffer is not UNSET:
            field_dict["buffer"] = buffer
        if pulse_library is not UNSET:
            field_dict["pulse_library"] = pulse_library
        if cmd_def is not UNSET:
            field_dict["cmd_def"] = cmd_def

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pulse_defaults_cmd_def_item import PulseDefaultsCmdDefItem
        from ..models.pulse_defaults_pulse_library_item import (
            PulseDefaultsPulseLibraryItem,
        )

        d = dict(src_dict)
        qubit_freq_est = cast(list[float], d.pop("qubit_freq_est", UNSET))

        meas_freq_est = cast(list[float], d.pop("meas_freq_est", UNSET))

        buffer = d.pop("buffer", UNSET)

        _pulse_library = d.pop("pulse_library", UNSET)
        pulse_library: list[PulseDefaultsPulseLibraryItem] | Unset = UNSET
        if _pulse_library is not UNSET:
            pulse_library = []
            for pulse_library_item_data in _pulse_library:
                pulse_library_item = PulseDefaultsPulseLibraryItem.from_dict(
                    pulse_library_item_data
                )

                pulse_library.append(pulse_library_item)

        _cmd_def = d.pop("cmd_def", UNSET)
        cmd_def: list[PulseDefaultsCmdDefItem] | Unset = UNSET
        if _cmd_def is not UNSET:
            cmd_def = []
            for cmd_def_item_data in _cmd_def:
                cmd_def_item = PulseDefaultsCmdDefItem.from_dict(cmd_def_item_data)

                cmd_def.append(cmd_def_item)

        pulse_defaults = cls(
            qubit_freq_est=qubit_freq_est,
            meas_freq_est=meas_freq_est,
            buffer=buffer,
            pulse_library=pulse_library,
            cmd_def=cmd_def,
        )

        pulse_defaults.additional_properties = d
        return pulse_defaults

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
