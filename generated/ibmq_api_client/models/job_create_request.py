from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backend_ref import BackendRef


T = TypeVar("T", bound="JobCreateRequest")


@_attrs_define
class JobCreateRequest:
    """
    Example:
        {'backend': {'name': 'ibmq_qasm_simulator'}, 'allowObjectStorage': True, 'liveDataEnabled': None, 'name':
            'bell', 'tags': ['experiment-1']}

    Attributes:
        backend (BackendRef):
        allow_object_storage (bool | Unset):
        live_data_enabled (bool | None | Unset):
        name (str | Unset):
        tags (list[str] | Unset):
        experiment_tag (str | Unset):
    """

    backend: BackendRef
    allow_object_storage: bool | Unset = UNSET
    live_data_enabled: bool | None | Unset = UNSET
    name: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    experiment_tag: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        backend = self.backend.to_dict()

        allow_object_storage = self.allow_object_storage

        live_data_enabled: bool | None | Unset
        if isinstance(self.live_data_enabled, Unset):
            live_data_enabled = UNSET
        else:
            live_data_enabled = self.live_data_enabled

        name = self.name

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        experiment_tag = self.experiment_tag

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "backend": backend,
            }
        )
        if allow_object_storage is not UNSET:
            field_dict["allowObjectStorage"] = allow_object_storage
        if live_data_enabled is not UNSET:
            field_dict["liveDataEnabled"] = live_data_enabled
        if name is not UNSET:
            field_dict["name"] = name
        if tags is not UNSET:
            field_dict["tags"] = tags
        if experiment_tag is not UNSET:
            field_dict["experimentTag"] = experiment_tag

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.backend_ref import BackendRef

        d = dict(src_dict)
        backend = BackendRef.from_dict(d.pop("backend"))

        allow_object_storage = d.pop("allowObjectStorage", UNSET)

        def _parse_live_data_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        live_data_enabled = _parse_live_data_enabled(d.pop("liveDataEnabled", UNSET))

        name = d.pop("name", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        experiment_tag = d.pop("experimentTag", UNSET)

        job_create_request = cls(
            backend=backend,
            allow_object_storage=allow_object_storage,
            live_data_enabled=live_data_enabled,
            name=name,
            tags=tags,
            experiment_tag=experiment_tag,
        )

        return job_create_request
