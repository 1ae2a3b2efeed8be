from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.service_urls_services import ServiceUrlsServices


T = TypeVar("T", bound="ServiceUrls")


@_attrs_define
class ServiceUrls:
    """
    Attributes:
        http (str): Base URL of the job service.
        ws (str): Base URL of the status websocket.
        services (ServiceUrlsServices | Unset):
    """

    http: str
    ws: str
    services: ServiceUrlsServices | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        http = self.http

        ws = self.ws

        services: dict[str, Any] | Unset = UNSET
        if not isinstance(self.services, Unset):
            services = self.services.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "http": http,
                "ws": ws,
            }
        )
        if services is not UNSET:
            field_dict["services"] = services

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.service_urls_services import ServiceUrlsServices

        d = dict(src_dict)
        http = d.pop("http")

        ws = d.pop("ws")

        _services = d.pop("services", UNSET)
        services: ServiceUrlsServices | Unset
        if isinstance(_services, Unset):
            services = UNSET
        else:
            services = ServiceUrlsServices.from_dict(_services)

        service_urls = cls(
            http=http,
            ws=ws,
            services=services,
        )

        service_urls.additional_properties = d
        return service_urls

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
